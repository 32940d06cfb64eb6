#!/usr/bin/env bash
# `stepwise history` and `describe-execution --watch` (the binary) against a
# test orchestrator process: a running execution's rows, the exit codes of
# --watch on a closed execution, and bad input.
#   history_roundtrip.sh STEPWISE TEST_ORCHESTRATOR EXPECT_EXIT   (from the repo root)
set -euo pipefail
# Arguments, the test orchestrator, STEPWISE_ENDPOINT and cleanup on exit.
source "$(dirname "${BASH_SOURCE[0]}")/roundtrip_preamble.sh" "$@"

machine=arn:aws:states:us-east-1:123456789012:stateMachine:Greeter
execution=arn:aws:states:us-east-1:123456789012:execution:Greeter:run-1

"$expect_exit" 0 -- "$stepwise" create-state-machine --name Greeter \
  --definition "file://$data/greeter.asl.json" --definition-substitutions "file://$data/substitutions.json"
"$expect_exit" 0 -- "$stepwise" start-execution --state-machine-arn "$machine" --name run-1 \
  --input "file://$data/input.json"

# Running: Prepare done, Greet waits for a worker on the 'greeter' queue.
"$expect_exit" 0 --contains "Execution  run-1" --contains "Status     RUNNING" \
  --contains "Prepare  Pass      SUCCEEDED" --contains '    output: {"who":"Ada"}' \
  --contains "waiting for worker" \
  -- "$stepwise" history --execution-arn "$execution"
"$expect_exit" 0 --contains "Greet    Task      RUNNING" \
  -- "$stepwise" history "$execution" --no-data
"$expect_exit" 0 --contains '"status": "RUNNING"' --contains '"note": "waiting for worker"' \
  -- "$stepwise" history "$execution" --output json

# Stopped: --watch returns at once with exit 1 (not SUCCEEDED).
"$expect_exit" 0 -- "$stepwise" stop-execution --execution-arn "$execution" --error Test.Stop
"$expect_exit" 1 --contains "Status     ABORTED" --contains "Greet    Task      ABORTED" \
  --contains "Error      Test.Stop" \
  -- "$stepwise" history --execution-arn "$execution" --watch
"$expect_exit" 1 --contains "Status     ABORTED" \
  -- "$stepwise" describe-execution --execution-arn "$execution" --watch

# Bad input.
"$expect_exit" 254 \
  --contains "An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution operation: " \
  -- "$stepwise" history --execution-arn "$execution-nope"
"$expect_exit" 252 --contains "is not an execution ARN" \
  -- "$stepwise" history --execution-arn "$machine"
echo "history_roundtrip: all checks passed"
