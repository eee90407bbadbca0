"use client";

// One log line on the dark panel: its time (a link to the line: it opens the search on it), the
// replica, the text with its ANSI colours. Every colour used here meets WCAG AA on slate-950; the
// highlighted line is outlined, not shaded, as a lighter background would take contrast away.
import { memo } from "react";
import { cn } from "@/components/ui/cn";
import type { LogLineDto } from "@/server/logs/schemas";
import { ansiSegments } from "./ansi";
import { formatLogTime, lineLinkSearch } from "./log-format";

export const LogLine = memo(function LogLine({
  line,
  withDate,
  highlighted,
  onOpen,
}: {
  line: LogLineDto;
  withDate: boolean;
  highlighted?: boolean;
  onOpen: (line: LogLineDto) => void;
}) {
  const segments = ansiSegments(line.line);
  return (
    <div
      id={`L${line.seq}`}
      data-testid="log-line"
      data-seq={line.seq}
      data-stream={line.stream}
      aria-current={highlighted ? "true" : undefined}
      className={cn("whitespace-pre-wrap break-all", line.stream === "stderr" && "text-amber-200", highlighted && "outline outline-2 outline-amber-300")}
    >
      <a
        href={lineLinkSearch(line)}
        title={`${line.time} · line ${line.seq} · open in search`}
        className="text-slate-400 underline decoration-slate-500 decoration-dotted underline-offset-2 hover:text-slate-200 hover:decoration-solid focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-300"
        onClick={(e) => {
          // A plain click opens the search in place; a middle or modified click opens the link itself.
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault();
          onOpen(line);
        }}
      >
        {formatLogTime(line.time, withDate)}
      </a>{" "}
      <span className="text-slate-400" title={line.releaseId ? `release ${line.releaseId}` : undefined}>{line.replica}</span>{" "}
      {line.stream === "stderr" ? <span className="sr-only">stderr: </span> : null}
      {segments.map((s, i) =>
        s.color || s.bold || s.italic || s.underline || s.strikethrough ? (
          <span
            key={i}
            style={s.color ? { color: s.color } : undefined}
            className={cn(s.bold && "font-bold", s.italic && "italic", s.underline && "underline", s.strikethrough && "line-through")}
          >
            {s.text}
          </span>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </div>
  );
});
