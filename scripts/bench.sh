#!/usr/bin/env bash
# `make bench`: every benchmark prints its figures (p50/p95/p99, per second, peak memory). Each is bounded
# in count and time and talks only to loopback. `make bench ONLY=load` runs one of them.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
PY=.venv/bin/python
RPY=.venv-rasa/bin/python

declare -A BENCH=(
  # the whole stack at the goal's load (100 citizens offering 60 messages/s): turns/s, p50/p95/p99, memory,
  # 2 vs 1 Rasa instances, and the stock `rasa init` configuration of our bot (make bench trains it once)
  [load]="$PY bench/load.py --rate ${LOAD_RATE:-60} --stock-model var/stock-model/stock.tar.gz"
  [turns]="$PY bench/turns.py"          # turn latency through the REST channel, training and load time
  [channels]="$PY bench/channels.py"    # webhook ack and reply time per channel, SMS segments
  [govapi]="$PY bench/govapi.py"        # govapi on SQLite and PostgreSQL
  [notify]="$PY bench/notify.py"        # notifier events/s and event-to-message latency
  [desk]="$PY bench/desk.py"            # handoff open and claim races
  [nlu]="$RPY bench/nlu_eval.py"        # intent P/R per language, out-of-scope share
  [conversations]="$PY bench/conversations.py"  # the conversation corpus: task success, friction, wrong writes
)
ORDER=(load turns channels govapi notify desk nlu conversations)
only=${ONLY:-}
failed=()
for name in "${ORDER[@]}"; do
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  echo; echo "==> bench/$name"
  if ! ${BENCH[$name]}; then failed+=("$name"); fi
done
[ ${#failed[@]} -eq 0 ] || { echo "benchmarks that failed: ${failed[*]}"; exit 1; }
