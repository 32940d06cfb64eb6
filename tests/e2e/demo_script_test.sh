#!/usr/bin/env bash
# ctest e2e.demo_script: runs scripts/demo (the README's first command) on
# the binaries already built in BUILD_DIR, without bootstrap or build, and
# checks its outcome table, that it reports matching the workshop's table
# (WORKSHOP.md), and that it leaves neither a process nor its temporary
# directory behind.
#
#   tests/e2e/demo_script_test.sh BUILD_DIR     # from the repository root
set -euo pipefail

build_dir="${1:?usage: demo_script_test.sh BUILD_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The demo makes its directory under TMPDIR: a fresh one shows what it leaves.
# Traversable by all, because as root the embedded PostgreSQL runs as postgres.
parent="$(mktemp -d "${TMPDIR:-/tmp}/demo-script-test.XXXXXX")"
chmod 755 "$parent"
out="$parent.out"
trap 'rm -rf "$parent" "$out"' EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- scripts/demo output" >&2
  cat "$out" >&2
  exit 1
}

status=0
TMPDIR="$parent" STEPWISE_BUILD_DIR="$build_dir" STEPWISE_DEMO_SKIP_BUILD=1 \
  STEPWISE_DEMO_TIMEOUT=45 "$root/scripts/demo" >"$out" 2>&1 || status=$?
[[ "$status" == 0 ]] || fail "scripts/demo exited with $status"

# One row per application: name, address, application state, execution status.
expect_row() {
  grep -qE "^$1 +$2 +$3 +$4( |$)" "$out" || fail "no outcome row '$1 | $2 | $3 | $4'"
}
expect_row "Spock" "123 Enterprise Street" APPROVED SUCCEEDED
expect_row "evil Spock" "123 Enterprise Street" APPROVED SUCCEEDED
expect_row "Spock" "ABadAddress" FLAGGED_FOR_REVIEW RUNNING
expect_row "UNPROCESSABLE_DATA" "123 Street" FLAGGED_WITH_UNPROCESSABLE_DATA SUCCEEDED
grep -qF "reason: Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check." "$out" ||
  fail "no unprocessable-data reason"
grep -qF "waits at 'Pending Review'" "$out" || fail "the bad address does not wait at Pending Review"
grep -q "^All four outcomes match the workshop's table" "$out" || fail "no match summary"
grep -q "get-execution-history --execution-arn 'arn:aws:states:" "$out" ||
  fail "no 'Look further' commands with real ARNs"
grep -q "no process of .* is left" "$out" || fail "no clean-stop report"

# Nothing left: the demo's directory is gone and no process names it (in
# its command line, as `pgrep -f` sees it, or in its environment, where the
# demo marks everything it starts).
leftover_files="$(ls -A "$parent")"
[[ -z "$leftover_files" ]] || fail "left in $parent: $leftover_files"
leftovers="$(grep -laF -f <(printf '%s\n' "$parent") /proc/[0-9]*/cmdline /proc/[0-9]*/environ \
  2>/dev/null | grep -v -e "^/proc/$$/" -e "^/proc/self/" -e "^/proc/thread-self/" || true)"
[[ -z "$leftovers" ]] || fail "processes left: $leftovers"
echo "PASS: scripts/demo ($(grep -c . "$out") lines of output)"
