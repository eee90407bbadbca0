import { describe, expect, it } from "vitest";
import { crashDeadlineReason, crashLoopReason, describeExit, isOutOfMemory, liveCrashRollbackReason, restartBackoffMs } from "@/server/daemon/reconcile/crash-loop";
import { parseEngineTime } from "@/server/daemon/engine/engine";

describe("crash-loop rules", () => {
  it("doubles the restart backoff from its base and caps it", () => {
    const o = { backoffBaseMs: 1000, backoffMaxMs: 5000 };
    expect([1, 2, 3, 4, 5, 60].map((n) => restartBackoffMs(n, o))).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(restartBackoffMs(0, o)).toBe(1000);
  });

  it("tells an out-of-memory kill from an exit, also when the engine does not report OOMKilled", () => {
    expect(describeExit({ exitCode: 3, oomKilled: false, memoryMib: 64 })).toBe("exited with code 3");
    expect(describeExit({ exitCode: 137, oomKilled: true, memoryMib: 64 })).toBe("was killed: out of memory (limit 64 MiB)");
    expect(describeExit({ exitCode: 137, oomKilled: false, memoryMib: 64 })).toContain("out of memory (limit 64 MiB)");
    expect(describeExit({ exitCode: null, oomKilled: false, memoryMib: 64 })).toContain("restarted it before slipwayd saw its exit code");
    expect(isOutOfMemory({ exitCode: 137, oomKilled: false, memoryMib: 0 })).toBe(false);
    expect(isOutOfMemory({ exitCode: 1, oomKilled: false, memoryMib: 64 })).toBe(false);
  });

  it("says what exited and how often it was restarted in one sentence; the lines it printed are kept apart", () => {
    const r = crashLoopReason({ exitCode: 3, oomKilled: false, memoryMib: 64, restarts: 2, lines: ["starting", "cannot create /data"] });
    expect(r).toBe(
      "The container exited with code 3 after 2 restarts (crash loop: it stopped 3 times during the rollout); the release was stopped and the previous release keeps serving.",
    );
    // An app's first release has nothing that keeps serving, and says so.
    expect(crashLoopReason({ exitCode: 3, oomKilled: false, memoryMib: 64, restarts: 2, lines: ["x"], hasPrevious: false })).toBe(
      "The container exited with code 3 after 2 restarts (crash loop: it stopped 3 times during the rollout); the release was stopped and no release was live before it, so the app serves nothing until one goes live.",
    );
    expect(crashDeadlineReason({ exitCode: 3, oomKilled: false, memoryMib: 64, restarts: 1, lines: ["x"], timeoutMs: 60_000, hasPrevious: false })).toContain(
      "the release was stopped and no release was live before it, so the app serves nothing until one goes live.",
    );
    const silent = crashLoopReason({ exitCode: 0, oomKilled: false, memoryMib: 64, restarts: 1, lines: [] });
    expect(silent).toContain("after 1 restart (");
    expect(silent.endsWith("keeps serving. It printed nothing.")).toBe(true);
    const rolledBack = liveCrashRollbackReason({ exitCode: 3, oomKilled: false, memoryMib: 64, crashes: 3, windowMs: 300_000, lines: ["lost the database"], rolledBackTo: 1 });
    expect(rolledBack).toBe("Crashed 3 times within 5 min of going live (its container exited with code 3); rolled back to v1 automatically.");
    const d = crashDeadlineReason({ exitCode: 3, oomKilled: false, memoryMib: 64, restarts: 4, lines: ["x"], timeoutMs: 20_000 });
    expect(d).toContain("within 20 s");
    expect(d).toContain("exited with code 3 (4 restarts)");
    expect(d).not.toContain("\n");
  });
});

describe("parseEngineTime", () => {
  it("reads nanosecond RFC 3339 times and the engine's zero time", () => {
    expect(parseEngineTime("2026-11-28T21:29:32.381914398Z")?.toISOString()).toBe("2026-11-28T21:29:32.381Z");
    expect(parseEngineTime("2026-11-28T21:29:32Z")?.toISOString()).toBe("2026-11-28T21:29:32.000Z");
    expect(parseEngineTime("0001-01-01T00:00:00Z")).toBeNull();
    expect(parseEngineTime(undefined)).toBeNull();
  });
});
