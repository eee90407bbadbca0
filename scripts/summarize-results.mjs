// Turns one suite's result into "<passed> <failed> <skipped>" for scripts/test.sh.
//
//   node scripts/summarize-results.mjs vitest     <report.json> <exit code>
//   node scripts/summarize-results.mjs playwright <report.json> <exit code>
//   node scripts/summarize-results.mjs command    -             <exit code>   (lint, typecheck: 1 test)
//
// Skipped and todo tests are counted apart (never as passed). A suite that exited non-zero without
// a readable report, or whose report shows no failure although the runner failed (a file that
// does not import, an unhandled error, a global setup that threw), counts one failure so a crash
// is never a pass; so does a suite that ran zero tests.
import { readFileSync } from "node:fs";

const [kind, file, exitArg] = process.argv.slice(2);
const exitCode = Number(exitArg ?? 1);

function readReport() {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function fromVitest(report) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const suite of report.testResults ?? []) {
    const tests = suite.assertionResults ?? [];
    const p = tests.filter((t) => t.status === "passed").length;
    const f = tests.filter((t) => t.status === "failed").length;
    passed += p;
    failed += f;
    skipped += tests.filter((t) => t.status === "skipped" || t.status === "pending" || t.status === "todo" || t.status === "disabled").length;
    // A file that failed outside any test (import error, failing beforeAll) fails as a whole.
    if (suite.status === "failed" && f === 0) {
      failed += 1;
      process.stderr.write(`  file failed outside its tests: ${suite.name}\n${indent(suite.message)}\n`);
    }
  }
  return { passed, failed, skipped };
}

function fromPlaywright(report) {
  const s = report.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  const skipped = s.skipped ?? 0;
  let failed = s.unexpected ?? 0;
  // Errors outside tests: global setup/teardown, a spec that does not load.
  const errors = report.errors ?? [];
  if (errors.length > 0) {
    failed += errors.length;
    for (const e of errors) process.stderr.write(`  error outside tests: ${indent(e.message ?? String(e))}\n`);
  }
  return { passed, failed, skipped };
}

function indent(text) {
  return String(text ?? "")
    .split("\n")
    .slice(0, 20)
    .map((l) => `    ${l}`)
    .join("\n");
}

let result;
if (kind === "command") {
  result = exitCode === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
} else {
  const report = readReport();
  if (!report) {
    process.stderr.write(`  no readable report at ${file} (exit code ${exitCode}): counted as 1 failed\n`);
    result = { passed: 0, failed: 1, skipped: 0 };
  } else {
    result = kind === "playwright" ? fromPlaywright(report) : fromVitest(report);
    if (exitCode !== 0 && result.failed === 0) {
      process.stderr.write(`  the runner exited with code ${exitCode} although no test failed: counted as 1 failed\n`);
      result.failed = 1;
    }
    if (result.passed === 0 && result.failed === 0) {
      process.stderr.write(`  the suite ran zero tests (${result.skipped} skipped): counted as 1 failed\n`);
      result.failed = 1;
    }
  }
}
process.stdout.write(`${result.passed} ${result.failed} ${result.skipped}\n`);
