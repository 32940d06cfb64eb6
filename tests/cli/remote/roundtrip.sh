#!/usr/bin/env bash
# The `stepwise` binary against a test orchestrator process: create a state
# machine, start an execution, describe it, read its history, stop it, and
# the service errors, each checked for exit code and output.
#   roundtrip.sh STEPWISE TEST_ORCHESTRATOR EXPECT_EXIT   (from the repo root)
set -euo pipefail
# Arguments, the test orchestrator, STEPWISE_ENDPOINT and cleanup on exit.
source "$(dirname "${BASH_SOURCE[0]}")/roundtrip_preamble.sh" "$@"

machine=arn:aws:states:us-east-1:123456789012:stateMachine:Greeter
execution=arn:aws:states:us-east-1:123456789012:execution:Greeter:run-1

"$expect_exit" 0 --contains "{
    \"stateMachineArn\": \"$machine\"," --contains '"creationDate": "20' \
  -- "$stepwise" create-state-machine --name Greeter --definition "file://$data/greeter.asl.json" \
     --definition-substitutions "file://$data/substitutions.json"
"$expect_exit" 0 --contains '"status": "ACTIVE"' --contains 'function:greeter' \
  -- "$stepwise" describe-state-machine --state-machine-arn "$machine"
"$expect_exit" 0 --contains "\"executionArn\": \"$execution\"" \
  -- "$stepwise" start-execution --state-machine-arn "$machine" --name run-1 \
     --input "file://$data/input.json"
"$expect_exit" 0 --contains '    "status": "RUNNING",' --contains '"name": "run-1"' \
  -- "$stepwise" describe-execution --execution-arn "$execution"
"$expect_exit" 0 --contains '"type": "ExecutionStarted"' --contains '"type": "LambdaFunctionScheduled"' \
  -- "$stepwise" get-execution-history --execution-arn "$execution"
"$expect_exit" 0 --contains '"type": "LambdaFunctionScheduled"' --contains '"nextToken": "' \
  -- "$stepwise" get-execution-history --execution-arn "$execution" --reverse-order --max-results 1
"$expect_exit" 0 --contains '"stopDate": "20' \
  -- "$stepwise" stop-execution --execution-arn "$execution" --error Test.Stop --cause "by test"
"$expect_exit" 0 --contains '"status": "ABORTED"' --contains '"error": "Test.Stop"' \
  -- "$stepwise" describe-execution --execution-arn "$execution" --endpoint "$STEPWISE_ENDPOINT"
"$expect_exit" 0 --contains '"name": "Greeter"' \
  -- "$stepwise" list-state-machines

# Service errors: exit 254 and the AWS CLI's sentence.
"$expect_exit" 254 --contains "An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution operation: " \
  -- "$stepwise" describe-execution --execution-arn "$execution-nope"
"$expect_exit" 254 --contains "An error occurred (StateMachineDoesNotExist) when calling the StartExecution operation: " \
  -- "$stepwise" start-execution --state-machine-arn "${machine}Nope"
"$expect_exit" 254 --contains "An error occurred (InvalidDefinition) when calling the CreateStateMachine operation: " \
  -- "$stepwise" create-state-machine --name Broken --definition '{"StartAt": "X", "States": {}}'
echo "roundtrip: all checks passed"
