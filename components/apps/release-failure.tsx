"use client";

import { Card } from "@/components/ui/card";
import type { ReleaseDto } from "@/server/releases/schemas";

/** "exit code 3 · out of memory · restarted 4 times": what the runtime saw of a release's crashes. */
export function exitSummary(r: ReleaseDto): string {
  return [
    r.lastExitCode !== null ? `exit code ${r.lastExitCode}` : null,
    r.lastExitOomKilled ? "killed: out of memory" : null,
    r.restartCount > 0 ? `restarted ${r.restartCount} time${r.restartCount === 1 ? "" : "s"}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

/**
 * Releases failed before the lines were kept apart carried them in the reason, after " Last log
 * lines:" (they are in lastLogLines too): only the sentence before it is the reason.
 */
const LINES_IN_REASON = / Last log lines:[\s\S]*$/;

/**
 * Why it failed: the reason's sentence, and the last lines the container printed, as printed
 * (lastLogLines). The last ones say why (earlier ones repeat each restart's start-up), so only
 * `keep` of them are shown.
 */
export function splitReason(r: ReleaseDto, keep: number): { sentence: string; lines: string[] } {
  return { sentence: (r.statusReason ?? "").replace(LINES_IN_REASON, ""), lines: r.lastLogLines.slice(-keep) };
}

/**
 * The newest release failed: why, in full (exit code, restarts, the last log lines), where the
 * user looks first, and whether the previous release still serves. Gone once a newer release exists.
 */
export function ReleaseFailure({ release, liveVersion }: { release: ReleaseDto; liveVersion: number | null }) {
  const summary = exitSummary(release);
  const { sentence, lines } = splitReason(release, 12);
  return (
    <Card className="border-red-200 bg-red-50" data-testid="release-failure" role="alert">
      <p className="text-sm font-semibold text-red-900">
        v{release.version} failed{summary ? `: ${summary}` : ""}
        <span className="font-normal text-red-800">{liveVersion !== null ? ` · v${liveVersion} keeps serving` : " · nothing is serving"}</span>
      </p>
      {sentence ? <p className="mt-1 text-sm text-red-900" data-testid="release-failure-reason">{sentence}</p> : null}
      {lines.length ? (
        <pre data-testid="release-failure-log" tabIndex={0} role="region" aria-label="Last lines before the failure" className="mt-2 max-h-72 overflow-auto focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600 whitespace-pre-wrap break-words rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100">
          {lines.join("\n")}
        </pre>
      ) : null}
    </Card>
  );
}
