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

failed=()
stage() {  # stage NAME LIMIT_S COMMAND...: run one stage, remember a failure, keep going
  # A stage that hangs is stopped at its limit (several times its usual time) and counts as failed, so one stuck
  # test cannot eat the whole CI budget; pytest.ini's faulthandler_timeout prints where a slow test is first.
  local name=$1 limit=$2; shift 2
  echo
  echo "==> $name"
  local start=$SECONDS
  if timeout --kill-after=30 "$limit" "$@"; then
    echo "<== $name: ok ($((SECONDS - start)) s)"
  else
    local rc=$?
    [ $rc -eq 124 ] && echo "$name: stopped after its limit of $limit s"
    echo "<== $name: FAILED ($((SECONDS - start)) s)"; failed+=("$name")
  fi
}

for suite in "${SERVICE_SUITES[@]}" "${RASA_SUITES[@]}" tests/edge tests/conversations; do
  [ -d "$suite" ] || { echo "missing test suite: $suite"; exit 1; }
done

# Errors ruff finds across the tree, and the shared package typed strictly (pyproject.toml): seconds.
stage "lint (ruff, mypy)" 300 bash -c "$PY -m ruff check . && $PY -m mypy"
stage "services (Python 3.11)" 1500 $PY -m pytest -q -p no:cacheprovider "${SERVICE_SUITES[@]}"
# The channel edge (issue #18) against a real Rasa with only the internal turn channel (the small channel test bot,
# trained once and cached), the stand-ins and Redis: about a minute.
stage "channel edge (Python 3.11)" 600 $PY -m pytest -q -p no:cacheprovider tests/edge

if [ -d domain ] && [ -f config.yml ]; then
  stage "rasa data validate" 300 $RASA data validate --config config.yml --domain domain --data data --fail-on-warnings
  stage "train the model" 900 make --no-print-directory train
  # Only tests/test_*.yml are conversation tests (sub-folders hold the test bots of other suites).
  rm -rf results/stories && mkdir -p results/stories && ln -s "$PWD"/tests/test_*.yml results/stories/
  stage "conversation tests (tests/test_*.yml)" 600 $RASA test core --model models/minwon.tar.gz \
    --stories results/stories --fail-on-prediction-errors --out results/core
fi
# Whole-stack journeys (handoff in the console with headless Chromium, notifications): need the model.
stage "end to end (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/e2e
# The conversation corpus (issue 11): every form x question x interruption, ko/en, web/SMS, and the held-out set.
stage "conversations (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/conversations
# The production topology (HAProxy, two edge and two Rasa instances, PostgreSQL tracker store, shared Redis) under faults.
stage "resilience (Python 3.11)" 900 $PY -m pytest -q -p no:cacheprovider tests/resilience
if [ ${#RASA_SUITES[@]} -gt 0 ]; then
  stage "rasa side (Python 3.10)" 1200 $RPY -m pytest -q -p no:cacheprovider "${RASA_SUITES[@]}"
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: failed stages: ${failed[*]}"
  exit 1
fi
echo "make test: every stage passed"
