#!/usr/bin/env bash
# `make test`: every suite, each in the environment it belongs to. A suite that fails does not stop the
# others (so one run shows everything), but the script fails if any did. The model is trained once per run.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE=1
# Suites that need the trained model fail (never skip) when it is missing.
export MINWON_REQUIRE_MODEL=1

PY=.venv/bin/python
RPY=.venv-rasa/bin/python
RASA=.venv-rasa/bin/rasa

# Suites are listed, not discovered: a suite that disappears must fail the run, not vanish silently.
SERVICE_SUITES=(tests/govapi tests/standins tests/bot)
RASA_SUITES=(tests/rasa_runtime tests/nlu tests/actions)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
: > "$WORK/failed"
exec 3>&1  # the console, for the one-line progress of stages that run in a lane

stage() {  # stage NAME LIMIT_S COMMAND...: run one stage, remember a failure, keep going
  # A stage that hangs is stopped at its limit (several times its usual time) and counts as failed, so one stuck
  # test cannot eat the whole CI budget; pytest.ini's faulthandler_timeout prints where a slow test is first.
  local name=$1 limit=$2; shift 2
  echo
  echo "==> $name"
  local start=$SECONDS rc=0
  timeout --kill-after=30 "$limit" "$@" || rc=$?
  if [ $rc -eq 0 ]; then
    echo "<== $name: ok ($((SECONDS - start)) s)"
  else
    [ $rc -eq 124 ] && echo "$name: stopped after its limit of $limit s"
    echo "<== $name: FAILED ($((SECONDS - start)) s)"; echo "$name" >> "$WORK/failed"
  fi
  [ -n "${LANE:-}" ] && echo "[$LANE] $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start)) s)" >&3
  return 0
}

for suite in "${SERVICE_SUITES[@]}" "${RASA_SUITES[@]}" tests/edge tests/conversations; do
  [ -d "$suite" ] || { echo "missing test suite: $suite"; exit 1; }
done

# Errors ruff finds across the tree, and the shared package typed strictly (pyproject.toml): seconds.
stage "lint (ruff, mypy)" 300 bash -c "$PY -m ruff check . && $PY -m mypy"

# The model first (the suites after it need it), then two lanes side by side: on 2 cores a sequential run keeps
# about one core busy (the suites mostly wait for processes they start), so two lanes take ~60% of the time.
# Every suite isolates itself (its own ports, Redis key prefix, PostgreSQL database and temp files), which is what
# lets them share the machine. Each lane's full output is printed when both have ended.
if [ -d domain ] && [ -f config.yml ]; then
  stage "rasa data validate" 300 $RASA data validate --config config.yml --domain domain --data data --fail-on-warnings
  stage "train the model" 900 make --no-print-directory train
fi

lane_services() {
  stage "services (Python 3.11)" 1500 $PY -m pytest -q -p no:cacheprovider "${SERVICE_SUITES[@]}"
  # The production topology (HAProxy, two edge and two Rasa instances, PostgreSQL tracker store, shared Redis) under faults.
  stage "resilience (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/resilience
}

lane_dialogue() {
  # The channel edge (issue #18) against a real Rasa with only the internal turn channel (the small channel test
  # bot, trained once and cached), the stand-ins and Redis.
  stage "channel edge (Python 3.11)" 600 $PY -m pytest -q -p no:cacheprovider tests/edge
  if [ -d domain ] && [ -f config.yml ]; then
    # Only tests/test_*.yml are conversation tests (sub-folders hold the test bots of other suites).
    rm -rf results/stories && mkdir -p results/stories && ln -s "$PWD"/tests/test_*.yml results/stories/
    stage "conversation tests (tests/test_*.yml)" 600 $RASA test core --model models/minwon.tar.gz \
      --stories results/stories --fail-on-prediction-errors --out results/core
  fi
  # Whole-stack journeys (handoff in the console with headless Chromium, notifications): need the model.
  stage "end to end (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/e2e
  # The conversation corpus (issue 11): every form x question x interruption, ko/en, web/SMS, and the held-out set.
  stage "conversations (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/conversations
  stage "rasa side (Python 3.10)" 1200 $RPY -m pytest -q -p no:cacheprovider "${RASA_SUITES[@]}"
}

echo
echo "==> two lanes side by side (services, dialogue); progress:"
(LANE=services lane_services > "$WORK/services.log" 2>&1) &
(LANE=dialogue lane_dialogue > "$WORK/dialogue.log" 2>&1) &
wait
for lane in services dialogue; do
  echo
  echo "======== lane $lane ========"
  cat "$WORK/$lane.log"
done

echo
if [ -s "$WORK/failed" ]; then
  echo "make test: failed stages: $(paste -sd, "$WORK/failed")"
  exit 1
fi
echo "make test: every stage passed"
