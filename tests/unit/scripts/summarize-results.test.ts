// The test runner's per-suite counts: a suite that ran nothing, or crashed, is never a pass, and
// skipped tests are reported apart.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const script = path.resolve(import.meta.dirname, "../../../scripts/summarize-results.mjs");
const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-summary-"));

function summarize(kind: string, report: unknown, exitCode: number): string {
  const file = path.join(dir, `${kind}-${Math.random().toString(36).slice(2)}.json`);
  if (report !== undefined) writeFileSync(file, JSON.stringify(report));
  return execFileSync("node", [script, kind, file, String(exitCode)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

const vitestReport = (statuses: string[], fileStatus = "passed") => ({
  testResults: [{ name: "a.test.ts", status: fileStatus, assertionResults: statuses.map((status) => ({ status })) }],
});

describe("summarize-results", () => {
  it("counts passed, failed and skipped vitest tests", () => {
    expect(summarize("vitest", vitestReport(["passed", "passed", "failed", "skipped", "todo"]), 1)).toBe("2 1 2");
  });

  it("fails a vitest suite that ran zero tests, even with exit code 0", () => {
    expect(summarize("vitest", { testResults: [] }, 0)).toBe("0 1 0");
    expect(summarize("vitest", vitestReport(["skipped", "skipped"]), 0)).toBe("0 1 2");
  });

  it("fails a playwright suite that ran zero tests and reports its skipped ones", () => {
    expect(summarize("playwright", { stats: { expected: 0, unexpected: 0, skipped: 3 } }, 0)).toBe("0 1 3");
    expect(summarize("playwright", { stats: { expected: 2, unexpected: 0, flaky: 1, skipped: 1 } }, 0)).toBe("3 0 1");
  });

  it("counts a crash without a report as one failure", () => {
    expect(summarize("vitest", undefined, 1)).toBe("0 1 0");
  });

  it("counts a runner that failed with no failed test as one failure", () => {
    expect(summarize("vitest", vitestReport(["passed"]), 1)).toBe("1 1 0");
  });

  it("counts a command suite as one test", () => {
    expect(summarize("command", undefined, 0)).toBe("1 0 0");
    expect(summarize("command", undefined, 2)).toBe("0 1 0");
  });
});
