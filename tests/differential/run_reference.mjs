// Runs a batch of state machine executions in aws-local-stepfunctions, the
// reference interpreter of tests/differential/differential_test.cc.
//
//   node run_reference.mjs CASES.json RESULTS.json
//
// CASES.json:   [{"id": "...", "definition": {...}, "input": <any JSON>}, ...]
// RESULTS.json: [{"id": "...", "status": "SUCCEEDED" | "FAILED" | "REJECTED",
//                 "output": <JSON or null>, "error": "...", "cause": "..."}, ...]
//
// REJECTED means the package's constructor threw; the message is in `cause`.
// The package's definition check is off (Stepwise validated the definitions). Every Wait state, at any
// depth, is overridden to 0 ms and Retry pauses too, so the batch runs at
// once. Executions run one after another in this one process.
import { readFileSync, writeFileSync } from 'node:fs';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

// Names of the states of `type` in a machine, its Parallel branches and Map
// processors (the package's overrides are keyed by state name at any depth).
function collectStates(machine, type, names) {
  for (const [name, state] of Object.entries(machine?.States ?? {})) {
    if (state?.Type === type) names.add(name);
    for (const branch of state?.Branches ?? []) collectStates(branch, type, names);
    collectStates(state?.ItemProcessor ?? state?.Iterator, type, names);
  }
  return names;
}

// The context object fields the package does not fill itself; the C++ side
// runs with the same values.
const kContext = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:diff:run-1',
    Name: 'run-1',
    RoleArn: 'arn:aws:iam::123456789012:role/diff',
  },
  StateMachine: {
    Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:diff',
    Name: 'diff',
  },
};

async function runOne({ id, definition, input }) {
  let machine;
  try {
    // Stepwise's validator has accepted the definition; the package's own
    // (asl-validator) is compared with ours in tests/compat, not here.
    machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  } catch (e) {
    return { id, status: 'REJECTED', output: null, error: '', cause: String(e?.message ?? e) };
  }
  const zero = (names) => Object.fromEntries([...names].map((n) => [n, 0]));
  const options = {
    overrides: {
      waitTimeOverrides: zero(collectStates(definition, 'Wait', new Set())),
      retryIntervalOverrides: zero([
        ...collectStates(definition, 'Task', new Set()),
        ...collectStates(definition, 'Parallel', new Set()),
        ...collectStates(definition, 'Map', new Set()),
      ]),
    },
    noThrowOnAbort: true,
    context: kContext,
  };
  try {
    const output = await machine.run(input, options).result;
    // The package can hand back a cyclic object (States.JsonMerge merges in
    // place); report what serializing it does instead of crashing the batch.
    JSON.stringify(output);
    return { id, status: 'SUCCEEDED', output: output ?? null, error: '', cause: '' };
  } catch (e) {
    if (e instanceof ExecutionError && e.cause instanceof Error) {
      return { id, status: 'FAILED', output: null, error: String(e.cause.name), cause: String(e.cause.message) };
    }
    return { id, status: 'FAILED', output: null, error: String(e?.name ?? 'Error'), cause: String(e?.message ?? e) };
  }
}

const [casesFile, resultsFile] = process.argv.slice(2);
if (!casesFile || !resultsFile) {
  console.error('usage: node run_reference.mjs CASES.json RESULTS.json');
  process.exit(2);
}
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
const results = [];
for (const c of cases) results.push(await runOne(c));
writeFileSync(resultsFile, JSON.stringify(results));
