// Evaluates a batch of JSONata expressions with the npm package `jsonata`,
// the reference of jsonata_differential_test.cc.
//
//   node run_jsonata.mjs CASES.json RESULTS.json NODE_MODULES_PARENT
//
// CASES.json:   [{"id": "...", "expr": "...", "input": <JSON, optional>,
//                 "bindings": {name: <JSON>}}, ...]
// RESULTS.json: [{"id": "...", "status": "value" | "undefined" | "error",
//                 "value": <JSON>, "code": "T2001"}, ...]
// NODE_MODULES_PARENT is the folder whose node_modules holds jsonata
// (tests/differential, installed by `npm ci --prefix tests/differential`).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [casesPath, resultsPath, modulesParent] = process.argv.slice(2);
const require = createRequire(path.resolve(modulesParent) + '/');
const jsonata = require('jsonata');

async function runOne({ id, expr, input, bindings }) {
  try {
    const compiled = jsonata(expr);
    const value = await compiled.evaluate(input, bindings ?? {});
    if (value === undefined) return { id, status: 'undefined' };
    if (typeof value === 'function' || value?._jsonata_lambda) return { id, status: 'function' };
    // Round-trip through JSON as the C++ side sees values (drops sequence flags).
    return { id, status: 'value', value: JSON.parse(JSON.stringify(value)) };
  } catch (e) {
    return { id, status: 'error', code: String(e?.code ?? 'unknown'), message: String(e?.message) };
  }
}

const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const results = [];
for (const c of cases) results.push(await runOne(c));
writeFileSync(resultsPath, JSON.stringify(results));
