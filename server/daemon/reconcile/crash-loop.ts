// Crash-loop rules for a release being rolled out, as Kubernetes' CrashLoopBackOff: an exited
// container is restarted after an exponentially growing pause measured from its (persisted) exit,
// and the rollout fails after a number of crashes. Pure, so the rules are unit-tested directly.

import { writeAccessHint, type RunAs } from "../../runtime/run-as";

export interface CrashLoopOptions {
  /** pause before the first restart; doubles with each further restart */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** crashes that end the rollout FAILED (the last one is not restarted) */
  limit: number;
  /** how long a live release's replicas must stay up after a crash for its streak to end ("recovered") */
  recoveredAfterMs: number;
}

export const DEFAULT_CRASH_LOOP: CrashLoopOptions = { backoffBaseMs: 1000, backoffMaxMs: 30_000, limit: 3, recoveredAfterMs: 120_000 };

/** The pause before restart number `restart` (1 for the first restart). */
export function restartBackoffMs(restart: number, o: Pick<CrashLoopOptions, "backoffBaseMs" | "backoffMaxMs">): number {
  const n = Math.max(1, restart);
  return Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.min(n - 1, 30));
}

export interface ExitFacts {
  /** null when the engine restarted the container before slipwayd saw how it exited */
  exitCode: number | null;
  /** the engine reported an OOM kill */
  oomKilled: boolean;
  memoryMib: number;
}

/**
 * Whether the exit was the OOM killer. Some engine/cgroup layouts (Podman with runc on a hybrid
 * cgroup v1 host, for one) never report OOMKilled; there, a SIGKILL (137) of a container under a
 * memory limit that slipwayd did not stop (it only ever removes containers, which are then gone)
 * is the kernel's OOM killer.
 */
export function isOutOfMemory(e: ExitFacts): boolean {
  return e.oomKilled || (e.exitCode === 137 && e.memoryMib > 0);
}

/** "exited with code 3" or "was killed: out of memory (limit 64 MiB)". */
export function describeExit(e: ExitFacts): string {
  if (e.exitCode === null) return "stopped (the engine restarted it before slipwayd saw its exit code)";
  if (e.oomKilled) return `was killed: out of memory (limit ${e.memoryMib} MiB)`;
  if (isOutOfMemory(e)) return `was killed (exit code 137, SIGKILL): out of memory (limit ${e.memoryMib} MiB)`;
  return `exited with code ${e.exitCode}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * Reasons are sentences: the lines a container printed are kept apart (Release.lastLogLines) and
 * shown as printed; a reason only says when there were none.
 */
function printedNothing(lines: string[]): string {
  return lines.length ? "" : " It printed nothing.";
}

/** What the reasons take besides the exit: the lines printed, and whom it ran as (for the hint). */
interface Printed {
  lines: string[];
  runAs?: RunAs | null;
  /** whether a release was live before this one (default: yes) */
  hasPrevious?: boolean;
}

/** What serves meanwhile: the previous release, or (for an app's first release) nothing yet. */
export function keepsServing(hasPrevious = true): string {
  return hasPrevious ? "the previous release keeps serving" : "no release was live before it, so the app serves nothing until one goes live";
}

/** "It printed nothing." or, when it could not write a file as its non-root user, what to do. */
function afterExit(e: Printed): string {
  return printedNothing(e.lines) + writeAccessHint(e.lines, e.runAs ?? null);
}

/** The reason of a rollout ended by its crash limit. */
export function crashLoopReason(e: ExitFacts & Printed & { restarts: number }): string {
  return (
    `The container ${describeExit(e)} after ${plural(e.restarts, "restart")} (crash loop: it stopped ${plural(e.restarts + 1, "time")} during the rollout); ` +
    `the release was stopped and ${keepsServing(e.hasPrevious)}.${afterExit(e)}`
  );
}

/** The reason of a rollout whose deadline passed while its containers kept crashing. */
export function crashDeadlineReason(e: ExitFacts & Printed & { restarts: number; timeoutMs: number }): string {
  return (
    `The release did not become healthy within ${Math.round(e.timeoutMs / 1000)} s of its rollout start: its container ${describeExit(e)} ` +
    `(${plural(e.restarts, "restart")}); the release was stopped and ${keepsServing(e.hasPrevious)}.${afterExit(e)}`
  );
}

/** The reason a live release that kept crashing soon after it went live was rolled back. */
export function liveCrashRollbackReason(e: ExitFacts & Printed & { crashes: number; windowMs: number; rolledBackTo: number }): string {
  return (
    `Crashed ${plural(e.crashes, "time")} within ${Math.round(e.windowMs / 60_000)} min of going live (its container ${describeExit(e)}); ` +
    `rolled back to v${e.rolledBackTo} automatically.${afterExit(e)}`
  );
}

/** What the app page says while a live release keeps crashing. */
export function liveCrashingReason(e: ExitFacts & { crashes: number; nextRestartMs: number }): string {
  return `Its container ${describeExit(e)} (${e.crashes} ${e.crashes === 1 ? "crash" : "crashes"} in a row); slipwayd restarts it in ${Math.ceil(e.nextRestartMs / 1000)} s.`;
}
