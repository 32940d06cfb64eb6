#!/usr/bin/env node
// Compares the verdicts (valid / invalid) of `stepwise validate` with those of
// the npm package asl-validator over our definition corpus:
//   tests/unit/asl/cases/{valid,invalid}/*.json   (the validator's catalogue)
//   examples/workshop/*.asl.json                  (real-world definitions)
//
// Usage: node compare_asl_validator.mjs [--check] [--stepwise PATH] [--verbose]
//   --check      exit 1 if a disagreement is not explained in
//                known_disagreements.json (or its verdicts there are stale)
//   --stepwise   the CLI binary (default: $STEPWISE_BIN, else
//                $STEPWISE_BUILD_DIR/cli/stepwise, else build/cli/stepwise)
//   --verbose    also list the cases that agree
//
// It is a report, not a gate: without --check it exits 0 whatever the
// comparison finds (and non-zero only if something crashes).
//
// asl-validator is called through its JS API with its defaults, which are
// { checkPaths: true, checkArn: true }: JSONPath/ReferencePath/payload
// template syntax is checked (via asl-path-validator) and Task `Resource`
// must match its ARN regex. Our CLI is called without substitutions; cases
// whose `options` set `allow_placeholders: false` get `--no-placeholders`.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const aslValidator = require("asl-validator");
const aslValidatorVersion = require("asl-validator/package.json").version;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

// ---- arguments --------------------------------------------------------------
const args = process.argv.slice(2);
let check = false;
let verbose = false;
let stepwiseBin =
  process.env.STEPWISE_BIN ||
  path.join(path.resolve(root, process.env.STEPWISE_BUILD_DIR || "build"), "cli", "stepwise");
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--check") check = true;
  else if (args[i] === "--verbose") verbose = true;
  else if (args[i] === "--stepwise" && i + 1 < args.length) stepwiseBin = path.resolve(args[++i]);
  else {
    console.error(`usage: node compare_asl_validator.mjs [--check] [--stepwise PATH] [--verbose]`);
    process.exit(2);
  }
}
if (!fs.existsSync(stepwiseBin)) {
  throw new Error(`stepwise CLI not found at ${stepwiseBin} (build it, or pass --stepwise PATH)`);
}

// ---- corpus -----------------------------------------------------------------
const rel = (p) => path.relative(root, p).split(path.sep).join("/");
const listJson = (dir, suffix = ".json") =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));

// Each item: { name, expected, text, parsed, noPlaceholders }
//   text: what our CLI validates (exact bytes); parsed: what asl-validator gets.
const items = [];
const skipped = [];
const casesDir = path.join(root, "tests/unit/asl/cases");
for (const kind of ["valid", "invalid"]) {
  for (const file of listJson(path.join(casesDir, kind))) {
    const c = JSON.parse(fs.readFileSync(file, "utf8"));
    const noPlaceholders = c.options?.allow_placeholders === false;
    const expected = kind === "valid" ? "OK" : "FAIL";
    if ("definition_text" in c) {
      let parsed;
      try {
        parsed = JSON.parse(c.definition_text);
      } catch {
        skipped.push(rel(file));
        continue;
      }
      items.push({ name: rel(file), expected, text: c.definition_text, parsed, noPlaceholders });
    } else {
      // Our unit runner serializes `definition` with keys in file order;
      // JSON.stringify does the same.
      const text = JSON.stringify(c.definition);
      items.push({ name: rel(file), expected, text, parsed: c.definition, noPlaceholders });
    }
  }
}
for (const file of listJson(path.join(root, "examples/workshop"), ".asl.json")) {
  const text = fs.readFileSync(file, "utf8");
  items.push({ name: rel(file), expected: "OK", text, parsed: JSON.parse(text), noPlaceholders: false });
}

// ---- asl-validator ----------------------------------------------------------
// The validator mutates its input (it fills in QueryLanguage), so it gets a
// copy. A thrown exception (e.g. for a root that is not an object) counts as a
// rejection, reported as such.
for (const item of items) {
  try {
    const result = aslValidator(structuredClone(item.parsed));
    item.theirs = result.isValid ? "OK" : "FAIL";
    item.theirErrors = result.errors.map((e) =>
      e["Error code"] ? `${e["Error code"]}: ${e.Message}` : `${e.instancePath} ${e.message}`,
    );
  } catch (err) {
    item.theirs = "FAIL";
    item.theirErrors = [`exception: ${err?.message ?? err}`];
  }
}

// ---- stepwise ---------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stepwise-compat-"));
try {
  items.forEach((item, i) => {
    item.tmpFile = path.join(tmp, `${String(i).padStart(4, "0")}.json`);
    fs.writeFileSync(item.tmpFile, item.text);
  });
  for (const noPlaceholders of [false, true]) {
    const batch = items.filter((it) => it.noPlaceholders === noPlaceholders);
    if (batch.length === 0) continue;
    const cliArgs = ["validate", "--output", "json"];
    if (noPlaceholders) cliArgs.push("--no-placeholders");
    cliArgs.push(...batch.map((it) => it.tmpFile));
    let stdout;
    try {
      stdout = execFileSync(stepwiseBin, cliArgs, { encoding: "utf8", maxBuffer: 256 << 20 });
    } catch (err) {
      // Exit 1 means "some file is invalid"; anything else is a real failure.
      if (err.status !== 1 || !err.stdout) throw err;
      stdout = err.stdout;
    }
    const byFile = new Map(JSON.parse(stdout).files.map((f) => [f.file, f]));
    for (const item of batch) {
      const report = byFile.get(item.tmpFile);
      if (!report) throw new Error(`no CLI result for ${item.name} (${item.tmpFile})`);
      item.ours = report.result;
      item.ourCodes = [
        ...new Set(report.diagnostics.filter((d) => d.severity === "ERROR").map((d) => d.code)),
      ];
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

// ---- compare ----------------------------------------------------------------
const knownPath = path.join(here, "known_disagreements.json");
const known = new Map(
  (fs.existsSync(knownPath) ? JSON.parse(fs.readFileSync(knownPath, "utf8")) : []).map((k) => [
    k.case,
    k,
  ]),
);

const agree = items.filter((it) => it.ours === it.theirs);
const disagree = items.filter((it) => it.ours !== it.theirs);
const unexplained = [];
for (const it of disagree) {
  const k = known.get(it.name);
  it.status = !k ? "NEW" : k.ours !== it.ours || k.asl_validator !== it.theirs ? "STALE" : "known";
  if (it.status !== "known") unexplained.push(it);
}
const resolved = [...known.keys()].filter((name) => !disagree.some((it) => it.name === name));
const offCatalogue = items.filter((it) => it.ours !== it.expected);

const verdict = (v, details) => (details.length ? `${v} ${details.join(", ")}` : v);
const printRow = (it) => {
  console.log(`${it.name}  [${it.status ?? "agree"}]`);
  console.log(`    ours:          ${verdict(it.ours, it.ourCodes)}`);
  console.log(`    asl-validator: ${it.theirs}`);
  for (const e of it.theirErrors) console.log(`        ${e}`);
};

const shownBin = rel(stepwiseBin).startsWith("..") ? stepwiseBin : rel(stepwiseBin);
console.log(`asl-validator ${aslValidatorVersion} (defaults: checkPaths, checkArn) vs ${shownBin}`);
console.log(`corpus: ${items.length} definitions compared, ${skipped.length} definition_text cases skipped (not JSON)`);
console.log("");
console.log(`== disagreements (${disagree.length})`);
for (const it of disagree) printRow(it);
if (verbose) {
  console.log("");
  console.log(`== agreements (${agree.length})`);
  for (const it of agree) console.log(`${it.name}  both ${it.ours}`);
}
if (offCatalogue.length) {
  console.log("");
  console.log(`== warning: our CLI's verdict differs from the case's directory (${offCatalogue.length})`);
  for (const it of offCatalogue) console.log(`${it.name}: expected ${it.expected}, got ${it.ours}`);
}
if (resolved.length) {
  console.log("");
  console.log(`== note: known_disagreements.json entries that now agree (remove them)`);
  for (const name of resolved) console.log(name);
}
if (unexplained.length) {
  console.log("");
  console.log(`== unexplained disagreements (${unexplained.length}): add or update their entries in known_disagreements.json`);
  for (const it of unexplained) console.log(`${it.name}: ${it.status} (ours ${it.ours}, asl-validator ${it.theirs})`);
}
console.log("");
console.log(`AGREE ${agree.length}, DISAGREE ${disagree.length}`);

if (check && unexplained.length > 0) process.exit(1);
