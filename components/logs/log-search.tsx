"use client";

// The search half of the log view: text, time range, release, replica and stream; results newest
// first, older pages on demand; the same filters download as text or NDJSON. Opened on one line
// (a line link), it shows that line, highlighted, and what came before it.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import { MAX_LOG_RANGE_DAYS, logStreamNames } from "@/server/logs/constants";
import type { LogLineDto } from "@/server/logs/schemas";
import { LogLine } from "./log-line";
import { formatLogTime, lineLinkSearch, toLocalInput } from "./log-format";
import { logDownloadUrl, useLogSearch, type LogFilters, type LogSearch } from "./queries";

const HOUR = 3_600_000;
const PRESETS = [
  { value: "15m", label: "Last 15 minutes", ms: HOUR / 4 },
  { value: "1h", label: "Last hour", ms: HOUR },
  { value: "6h", label: "Last 6 hours", ms: 6 * HOUR },
  { value: "24h", label: "Last 24 hours", ms: 24 * HOUR },
  { value: "7d", label: "Last 7 days", ms: 7 * 24 * HOUR },
  { value: `${MAX_LOG_RANGE_DAYS}d`, label: `Last ${MAX_LOG_RANGE_DAYS} days`, ms: MAX_LOG_RANGE_DAYS * 24 * HOUR },
] as const;

export interface LineRef {
  seq: number;
  /** the line's time, epoch ms: the search range is put around it */
  at: number;
}

export interface SearchRelease {
  id: string;
  version: number;
}

interface FormState {
  q: string;
  preset: string;
  from: string;
  to: string;
  release: string;
  replica: string;
  stream: string;
}

const initialForm: FormState = { q: "", preset: "24h", from: "", to: "", release: "", replica: "", stream: "" };

function filtersOf(f: FormState, now: number): LogFilters {
  const preset = PRESETS.find((p) => p.value === f.preset);
  const range = preset
    ? { from: now - preset.ms, to: now }
    : { from: f.from ? new Date(f.from).getTime() : undefined, to: f.to ? new Date(f.to).getTime() : undefined };
  return {
    q: f.q.trim() || undefined,
    ...range,
    release: f.release || undefined,
    replica: f.replica.trim() || undefined,
    stream: (logStreamNames as readonly string[]).includes(f.stream) ? (f.stream as LogFilters["stream"]) : undefined,
  };
}

/** A line and the day before it: the line is the newest of the first page. */
function aroundSearch(line: LineRef): LogSearch {
  return { filters: { from: line.at - 24 * HOUR, to: line.at + 1 }, aroundSeq: line.seq };
}

export function LogSearchPanel({ appId, releases, around, onOpenLine, onLeaveLine }: {
  appId: string;
  releases: SearchRelease[];
  around: LineRef | null;
  onOpenLine: (line: LogLineDto) => void;
  onLeaveLine: () => void;
}) {
  const [form, setForm] = useState<FormState>(initialForm);
  // The search asked last (times fixed when asked). The first one is the last 24 hours.
  const [asked, setAsked] = useState<LogSearch>(() => ({ filters: filtersOf(initialForm, Date.now()) }));
  const search = around ? aroundSearch(around) : asked;
  const result = useLogSearch(appId, search);
  const pages = result.data?.pages ?? [];
  const lines = pages.flatMap((p) => p.lines);
  const first = pages[0];
  const last = pages[pages.length - 1];
  const regionRef = useRef<HTMLDivElement>(null);

  // Opened on a line: bring it into view once it is on the page.
  const aroundSeq = search.aroundSeq;
  const found = aroundSeq !== undefined && lines.some((l) => l.seq === aroundSeq);
  useEffect(() => {
    if (!found || aroundSeq === undefined) return;
    const el = regionRef.current?.querySelector<HTMLElement>(`[data-seq="${aroundSeq}"]`);
    el?.scrollIntoView({ block: "nearest" });
  }, [found, aroundSeq]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setAsked({ filters: filtersOf(form, Date.now()) });
    if (around) onLeaveLine();
  }
  // Custom starts from the range picked before it, so the fields are never empty.
  function onPreset(e: { target: { value: string } }) {
    const value = e.target.value;
    setForm((f) => {
      if (value !== "custom" || f.from) return { ...f, preset: value };
      const now = Date.now();
      const ms = PRESETS.find((p) => p.value === f.preset)?.ms ?? HOUR;
      return { ...f, preset: value, from: toLocalInput(now - ms), to: toLocalInput(now) };
    });
  }
  const set = (k: keyof FormState) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} className="grid gap-2 sm:grid-cols-2 lg:grid-cols-6" data-testid="log-search-form" aria-label="Search logs">
        <div className="lg:col-span-2">
          <Label htmlFor="log-q">Text</Label>
          <Input id="log-q" value={form.q} onChange={set("q")} placeholder="e.g. error" className="h-8" maxLength={200} />
        </div>
        <div>
          <Label htmlFor="log-range">Time range</Label>
          <select id="log-range" value={form.preset} onChange={onPreset} className="h-8 w-full rounded-md border border-slate-300 bg-white px-2 text-sm">
            {PRESETS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
            <option value="custom">Custom…</option>
          </select>
        </div>
        <div>
          <Label htmlFor="log-release">Release</Label>
          <select id="log-release" value={form.release} onChange={set("release")} className="h-8 w-full rounded-md border border-slate-300 bg-white px-2 text-sm">
            <option value="">All releases</option>
            {releases.map((r) => <option key={r.id} value={r.id}>v{r.version}</option>)}
          </select>
        </div>
        <div>
          <Label htmlFor="log-replica">Replica</Label>
          <Input id="log-replica" value={form.replica} onChange={set("replica")} placeholder="any" className="h-8 font-mono" />
        </div>
        <div>
          <Label htmlFor="log-stream">Stream</Label>
          <select id="log-stream" value={form.stream} onChange={set("stream")} className="h-8 w-full rounded-md border border-slate-300 bg-white px-2 text-sm">
            <option value="">stdout and stderr</option>
            {logStreamNames.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        {form.preset === "custom" ? (
          <>
            <div className="lg:col-span-2">
              <Label htmlFor="log-from">From</Label>
              <Input id="log-from" type="datetime-local" value={form.from} onChange={set("from")} max={form.to || undefined} className="h-8" />
            </div>
            <div className="lg:col-span-2">
              <Label htmlFor="log-to">To</Label>
              <Input id="log-to" type="datetime-local" value={form.to} onChange={set("to")} min={form.from || undefined} className="h-8" />
            </div>
          </>
        ) : null}
        <div className="flex items-end gap-2 lg:col-span-6">
          <Button type="submit" size="sm" data-testid="log-search-submit">Search</Button>
          <span className="ml-auto flex gap-2">
            <a className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600" href={logDownloadUrl(appId, search.filters, "text")} download data-testid="log-download-text">
              Download text
            </a>
            <a className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-600" href={logDownloadUrl(appId, search.filters, "ndjson")} download data-testid="log-download-ndjson">
              Download NDJSON
            </a>
          </span>
        </div>
      </form>

      {around ? (
        <div className="flex flex-wrap items-center gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="log-line-context">
          <span>Line {around.seq} (highlighted) and the lines before it. A link to it:</span>
          <CopyButton size="sm" label="Copy link to this line" value={typeof window === "undefined" ? lineLinkSearch({ seq: around.seq, time: new Date(around.at).toISOString() }) : `${window.location.origin}${window.location.pathname}${lineLinkSearch({ seq: around.seq, time: new Date(around.at).toISOString() })}`} />
          <Button type="button" size="sm" variant="ghost" onClick={onLeaveLine}>Back to the search</Button>
        </div>
      ) : null}
      {first?.notice ? <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="log-search-notice">{first.notice}</p> : null}
      <ErrorText error={result.error} />
      {first ? (
        <p className="text-xs text-slate-600" data-testid="log-search-summary">
          {lines.length} {lines.length === 1 ? "line" : "lines"}, newest first · searched {formatLogTime(first.from, true)} to {formatLogTime(first.to, true)}
        </p>
      ) : null}
      <div
        ref={regionRef}
        role="region"
        aria-label="Log search results"
        tabIndex={0}
        data-testid="log-search-results"
        className="max-h-[32rem] min-h-24 overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        {result.isPending ? <p className="text-slate-400">Searching…</p> : null}
        {lines.map((l) => <LogLine key={l.seq} line={l} withDate highlighted={l.seq === aroundSeq} onOpen={onOpenLine} />)}
        {result.data && lines.length === 0 && !last?.bounded ? <p className="text-slate-400">No line matches in this range.</p> : null}
        {aroundSeq !== undefined && result.data && !found && !result.hasNextPage ? <p className="text-slate-400">Line {aroundSeq} is no longer kept (past the team&apos;s log retention).</p> : null}
      </div>
      {last ? (
        <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="log-search-more">
          {last.bounded ? (
            <span className="text-amber-900" data-testid="log-search-bounded">
              The search stopped at its work limit before filling the page{lines.length ? `: searched back to ${formatLogTime(lines[lines.length - 1]!.time, true)}` : ""}.
            </span>
          ) : null}
          {result.hasNextPage ? (
            <Button type="button" size="sm" variant="secondary" disabled={result.isFetchingNextPage} onClick={() => void result.fetchNextPage()} data-testid="log-load-older">
              {result.isFetchingNextPage ? "Loading…" : last.bounded ? "Continue" : "Load older"}
            </Button>
          ) : (
            <span className="text-xs text-slate-600">Nothing older in this range.</span>
          )}
        </div>
      ) : null}
    </div>
  );
}
