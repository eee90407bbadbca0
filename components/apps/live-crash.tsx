"use client";

import { Card } from "@/components/ui/card";
import type { LiveCrashDto } from "@/server/apps/schemas";

/** "exited with code 3" / "killed: out of memory": how the last crash of a live replica ended. */
function lastExit(c: LiveCrashDto): string {
  if (c.oomKilled) return "killed: out of memory";
  return c.lastExitCode !== null ? `exited with code ${c.lastExitCode}` : "exited";
}

/**
 * The live release keeps crashing: slipwayd restarts it with backoff; the app page says so, with
 * how the last run ended and what it printed, while it happens.
 */
export function LiveCrash({ version, crash, autoRollback }: { version: number; crash: LiveCrashDto; autoRollback: boolean }) {
  const lines = crash.lastLogLines.slice(-12);
  return (
    <Card className="border-amber-200 bg-amber-50" data-testid="live-crash" role="alert">
      <p className="text-sm font-semibold text-amber-900">
        v{version} is crashing: {lastExit(crash)} · {crash.crashes} crash{crash.crashes === 1 ? "" : "es"} since {new Date(crash.since).toLocaleTimeString()}
      </p>
      <p className="mt-1 text-sm text-amber-900">
        Slipway restarts it with a growing pause.{" "}
        {autoRollback
          ? "If it keeps crashing soon after going live (5 minutes by default), the previous release is rolled back automatically."
          : "Automatic rollback is off for this app: roll back from the releases list, or push a fix."}
      </p>
      {lines.length ? (
        <pre data-testid="live-crash-log" tabIndex={0} role="region" aria-label="Last lines of the crashed run" className="mt-2 max-h-72 overflow-auto focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 whitespace-pre-wrap break-words rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100">
          {lines.join("\n")}
        </pre>
      ) : null}
    </Card>
  );
}
