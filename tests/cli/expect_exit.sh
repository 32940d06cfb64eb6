#!/usr/bin/env bash
# Runs a command and checks its exit code and (optionally) its output.
#   expect_exit.sh EXIT_CODE [--contains TEXT]... [--stdin FILE] -- COMMAND [ARGS...]
# stdout and stderr are checked together; TEXT is a fixed string.
set -euo pipefail

expected_exit="$1"
shift
needles=()
stdin_file=/dev/null
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --contains) needles+=("$2"); shift 2 ;;
    --stdin) stdin_file="$2"; shift 2 ;;
    *) echo "expect_exit.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] && shift  # The "--".

set +e
output="$("$@" <"$stdin_file" 2>&1)"
actual_exit=$?
set -e

echo "\$ $*"
echo "$output"
status=0
if [[ "$actual_exit" -ne "$expected_exit" ]]; then
  echo "FAILED: exit code $actual_exit, expected $expected_exit" >&2
  status=1
fi
for needle in "${needles[@]}"; do
  if [[ "$output" != *"$needle"* ]]; then
    echo "FAILED: output does not contain '$needle'" >&2
    status=1
  fi
done
exit "$status"
