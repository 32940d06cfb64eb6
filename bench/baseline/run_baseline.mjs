// The baseline of bench/: runs the engine_bench workloads in
// aws-local-stepfunctions (a TypeScript ASL interpreter) and prints
// executions/s per workload as JSON on stdout. scripts/bench runs it.
//
//   node run_baseline.mjs [--seconds S] [--smoke] [--show]
//   stdout: {"pass_chain_5": {"executions_per_second": 1234.5, "executions": 6789, ...}, ...}
//
// Same definitions, inputs and expected outputs as engine_bench (the files in
// bench/workloads/ and examples/workshop/), same mocked task behaviour (see
// MockTask below and bench/engine_bench.cc). Each StateMachine is built
// once (the package validates the definition in its constructor, as
// Stepwise validates once before its loop); executions then run one after
// another, each awaited, and every output is checked against the expected
// one. The package always records its execution event log (an in-memory
// queue per execution), which matches Stepwise's record_history=true lines.
//
// Timing: per workload a warm-up of a quarter of the budget, then five
// slices of a fifth of it each; executions/s is the median slice rate.
// --smoke runs every workload briefly. --show prints each case's output.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

// aws-local-stepfunctions 3.0.0 declares node >= 22 and its Task state uses
// Promise.withResolvers (Node 22+). On older Node, a standard polyfill.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = await import('aws-local-stepfunctions');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

// The workshop's DefinitionSubstitutions, as engine_bench applies them.
const kSubstitutions = {
  DataCheckingFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:DataChecking',
  FlagApplicationFunctionName: 'FlagApplication',
  ApproveApplicationFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ApproveApplication',
  RejectApplicationFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:RejectApplication',
};

function substitute(text) {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name) => kSubstitutions[name] ?? whole);
}

// The mocked workers of workshop v8, keyed by state name; engine_bench's
// WorkshopMock does exactly the same.
function unprocessable(name) {
  const error = new Error(
    JSON.stringify({
      errorType: 'UnprocessableDataException',
      errorMessage: `Simulated error: Name '${name}' is not possible to check.`,
    }),
  );
  error.name = 'UnprocessableDataException';
  return error;
}

const kWorkshopMocks = {
  'Check Name': (input) => {
    const { name } = input.data;
    if (name === 'UNPROCESSABLE_DATA') throw unprocessable(name);
    return { flagged: name.startsWith('evil') };
  },
  'Check Address': (input) => ({ flagged: !/[0-9]/.test(input.data.address) }),
  'Pending Review': (input) => ({
    decision: input.Payload.id.endsWith('-reject') ? 'REJECT' : 'APPROVE',
  }),
  'Approve Application': (input) => ({ approved: input.id }),
  'Reject Application': (input) => ({ rejected: input.id }),
  'Flag Application As Unprocessable': (input) => ({
    flagged: input.Payload.id,
    flagType: input.Payload.flagType,
  }),
};

function mapCase(n) {
  const items = [];
  const output = [];
  for (let i = 0; i < n; i++) {
    items.push({ id: i });
    output.push({ index: i, id: i, done: true });
  }
  return [{ input: { items }, output }];
}

function workloads() {
  const workshop = JSON.parse(
    substitute(
      readFileSync(
        join(root, 'examples/workshop/8-parallel-steps__account-application-workflow.asl.json'),
        'utf8',
      ),
    ),
  );
  return [
    {
      name: 'pass_chain_5',
      definition: readJson('bench/workloads/pass_chain_5.asl.json'),
      cases: readJson('bench/workloads/pass_chain_5.cases.json'),
      options: {},
    },
    {
      name: 'map_1000',
      definition: readJson('bench/workloads/map.asl.json'),
      cases: mapCase(1000),
      options: {},
    },
    {
      name: 'workshop_v8',
      definition: workshop,
      cases: readJson('bench/workloads/workshop_v8.cases.json'),
      // The package has no task tokens of its own: "Pending Review" reads
      // $$.Task.Token, so the context object supplies one.
      options: {
        overrides: { taskResourceLocalHandlers: kWorkshopMocks },
        context: { Task: { Token: 'bench-task-token' } },
      },
    },
  ];
}

// Runs `count` executions, cycling through the cases; throws on a wrong output.
async function runBatch(machine, workload, count, start) {
  for (let i = 0; i < count; i++) {
    const c = workload.cases[(start + i) % workload.cases.length];
    const output = await machine.run(c.input, workload.options).result;
    if (c.output !== null && !isDeepStrictEqual(output, c.output)) {
      throw new Error(
        `${workload.name}: unexpected output ${JSON.stringify(output).slice(0, 300)}`,
      );
    }
  }
}

// Executions/s over at least `seconds`, running batches that grow so the
// clock is read rarely.
async function measureSlice(machine, workload, seconds, state) {
  let executions = 0;
  let batch = 1;
  const begin = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    await runBatch(machine, workload, batch, state.next);
    state.next += batch;
    executions += batch;
    elapsed = performance.now() - begin;
    if (elapsed < seconds * 100) batch *= 2;
  }
  return { executions, rate: (executions * 1000) / elapsed };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const args = process.argv.slice(2);
  let seconds = 3;
  const smoke = args.includes('--smoke');
  const show = args.includes('--show');
  const at = args.indexOf('--seconds');
  if (at >= 0) seconds = Number(args[at + 1]);
  if (!(seconds > 0)) throw new Error('--seconds needs a positive number');
  // --only NAME: that workload alone (scripts/bench measures each workload's
  // baseline right before Stepwise's run of it).
  const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined && !workloads().some((w) => w.name === only)) {
    throw new Error(`--only: no workload named '${only}'`);
  }
  if (smoke) seconds = 0.2;

  const results = {};
  for (const workload of workloads()) {
    if (only !== undefined && workload.name !== only) continue;
    const machine = new StateMachine(workload.definition);
    if (show) {
      for (const c of workload.cases) {
        const output = await machine.run(c.input, workload.options).result;
        console.error(`${workload.name}: ${JSON.stringify(output).slice(0, 400)}`);
      }
      continue;
    }
    const state = { next: 0 };
    await measureSlice(machine, workload, seconds / 4, state);  // warm-up
    const slices = [];
    for (let i = 0; i < 5; i++) slices.push(await measureSlice(machine, workload, seconds / 5, state));
    const rates = slices.map((s) => s.rate);
    results[workload.name] = {
      executions_per_second: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      executions: slices.reduce((sum, s) => sum + s.executions, 0),
    };
    console.error(
      `baseline ${workload.name}: ${median(rates).toFixed(1)} executions/s ` +
        `(slices ${rates.map((r) => r.toFixed(1)).join(', ')})`,
    );
  }
  if (!show) console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(`run_baseline: ${e?.stack ?? e}`);
  process.exit(1);
});
