# shellcheck shell=bash
# Sourced (not run) by the roundtrip scripts, with their arguments:
#   source "$(dirname "${BASH_SOURCE[0]}")/roundtrip_preamble.sh" "$@"
# Takes STEPWISE TEST_ORCHESTRATOR EXPECT_EXIT (from the repo root), starts
# the test orchestrator in a fresh work dir that an EXIT trap removes (and
# stops the orchestrator), and sets stepwise, orchestrator, expect_exit,
# data (the scripts' testdata), work and STEPWISE_ENDPOINT.
set -euo pipefail

stepwise="$1"
orchestrator="$2"
expect_exit="$3"
data=tests/cli/remote/testdata

work="$(mktemp -d)"
mkfifo "$work/port"
"$orchestrator" --lifetime 60 >"$work/port" 2>"$work/orchestrator.log" &
orchestrator_pid=$!
cleanup() {
  kill "$orchestrator_pid" 2>/dev/null || true
  wait "$orchestrator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The first line is the port; a blocking read with a deadline, no polling.
if ! read -r -t 20 port <"$work/port"; then
  echo "FAILED: the test orchestrator printed no port" >&2
  cat "$work/orchestrator.log" >&2
  exit 1
fi
export STEPWISE_ENDPOINT="127.0.0.1:$port"
