"use client";

// The app page's log view: Live (the newest lines, following) or Search (every kept line, by text,
// time, release, replica and stream). A line's time links to it: `?line=<seq>&at=<ms>#L<seq>`
// opens Search on that line, highlighted, so a link to "the line that said why" can be shared.
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { LogLineDto } from "@/server/logs/schemas";
import { LiveLogs, type LogSource } from "./live-logs";
import { LogSearchPanel, type LineRef, type SearchRelease } from "./log-search";
import { lineLinkSearch } from "./log-format";

export type { LogSource } from "./live-logs";

function lineFromUrl(params: URLSearchParams | null): LineRef | null {
  const seq = Number(params?.get("line"));
  const at = Number(params?.get("at"));
  return Number.isSafeInteger(seq) && seq > 0 && Number.isSafeInteger(at) && at > 0 ? { seq, at } : null;
}

export function RuntimeLogs({ appId, sources, releases }: { appId: string; sources: LogSource[]; releases: SearchRelease[] }) {
  const params = useSearchParams();
  const around = lineFromUrl(params);
  const [mode, setMode] = useState<"live" | "search">("live");
  const shown = around ? "search" : mode;

  // The URL carries the line (history API: Next's useSearchParams follows it without a reload).
  function openLine(line: LogLineDto) {
    window.history.pushState(null, "", lineLinkSearch(line));
  }
  function leaveLine() {
    window.history.pushState(null, "", window.location.pathname);
    setMode("search");
  }
  function pick(m: "live" | "search") {
    if (around) window.history.pushState(null, "", window.location.pathname);
    setMode(m);
  }

  return (
    <Card data-testid="log-view">
      <CardTitle className="flex flex-wrap items-center gap-3">
        Runtime logs
        <span className="flex gap-1" role="group" aria-label="Log view">
          {(["live", "search"] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={shown === m}
              data-testid={`log-mode-${m}`}
              onClick={() => pick(m)}
              className={cn(
                "rounded-md border px-3 py-0.5 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600",
                shown === m ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100",
              )}
            >
              {m === "live" ? "Live" : "Search"}
            </button>
          ))}
        </span>
        <span className="text-xs font-normal text-slate-600">Kept for the team&apos;s log retention, across releases and restarts.</span>
      </CardTitle>
      {shown === "live" ? (
        <LiveLogs appId={appId} sources={sources} onOpenLine={openLine} />
      ) : (
        <LogSearchPanel appId={appId} releases={releases} around={around} onOpenLine={openLine} onLeaveLine={leaveLine} />
      )}
    </Card>
  );
}
