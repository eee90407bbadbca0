"use client";

import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Input } from "@/components/ui/input";
import type { ManagedPodDto } from "@/server/clusters/pod-schemas";
import { clusterPodKeys, useClusterPods } from "./pod-queries";

// Only one page of rows is ever in the DOM: 10,000 pods are filtered in memory (cheap) but
// rendered 50 at a time.
const ROWS_PER_PAGE = 50;
const PHASES = ["Running", "Pending", "Succeeded", "Failed", "Unknown"] as const;
const ALL = "";

const phaseTone = (phase: string) =>
  phase === "Running" ? "success" : phase === "Pending" ? "warning" : phase === "Failed" ? "failure" : phase === "Succeeded" ? "running" : "neutral";

function age(startedAt: string | null, now: number): string {
  if (!startedAt) return "—";
  const s = Math.max(0, Math.floor((now - Date.parse(startedAt)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className="flex items-center gap-1 text-sm text-slate-600">
      {label}
      <select className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value={ALL}>all</option>
        {options.map((o) => (
          <option key={o} value={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}

export function ClusterPods({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const qc = useQueryClient();
  const pods = useClusterPods(clusterId);
  const [team, setTeam] = useState(ALL);
  const [app, setApp] = useState(ALL);
  const [phase, setPhase] = useState(ALL);
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(0);
  const [now] = useState(() => Date.now());
  const needle = useDeferredValue(search.trim().toLowerCase());

  // The view needs every page for its counts: keep following the continue token until the end.
  const { hasNextPage, isFetchingNextPage, fetchNextPage, error } = pods;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !error) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, error]);

  const all = useMemo<ManagedPodDto[]>(() => pods.data?.pages.flatMap((p) => p.items) ?? [], [pods.data]);
  const scope = pods.data?.pages[0];
  const remaining = pods.data?.pages.at(-1)?.remainingItemCount ?? null;

  const { teams, appsByTeam } = useMemo(() => {
    const byTeam = new Map<string, Set<string>>();
    for (const p of all) {
      const t = p.team ?? "?";
      if (!byTeam.has(t)) byTeam.set(t, new Set());
      if (p.app) byTeam.get(t)!.add(p.app);
    }
    return { teams: [...byTeam.keys()].sort(), appsByTeam: byTeam };
  }, [all]);
  const appOptions = useMemo(() => {
    const names = new Set<string>();
    for (const [t, apps] of appsByTeam) if (team === ALL || t === team) for (const a of apps) names.add(a);
    return [...names].sort();
  }, [appsByTeam, team]);

  // Counts by phase over the team/app/search filter, so the chips say what clicking them shows.
  const { filtered, counts, notReady } = useMemo(() => {
    const counts: Record<string, number> = {};
    let notReady = 0;
    const filtered: ManagedPodDto[] = [];
    for (const p of all) {
      if (team !== ALL && (p.team ?? "?") !== team) continue;
      if (app !== ALL && p.app !== app) continue;
      if (needle && !p.name.includes(needle) && !p.namespace.includes(needle)) continue;
      counts[p.phase] = (counts[p.phase] ?? 0) + 1;
      if (!p.ready && p.phase === "Running") notReady++;
      if (phase === ALL || p.phase === phase) filtered.push(p);
    }
    return { filtered, counts, notReady };
  }, [all, team, app, needle, phase]);

  const pageCount = Math.max(1, Math.ceil(filtered.length / ROWS_PER_PAGE));
  const current = Math.min(page, pageCount - 1);
  const rows = filtered.slice(current * ROWS_PER_PAGE, (current + 1) * ROWS_PER_PAGE);
  const restart = () => qc.resetQueries({ queryKey: clusterPodKeys.pods(clusterId) });
  const filterBy = (set: (v: string) => void) => (v: string) => {
    set(v);
    setPage(0);
  };

  return (
    <section className="mt-3 space-y-3" data-testid={`cluster-pods-${clusterName}`} aria-label={`Pods on ${clusterName}`}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">
          {all.length.toLocaleString("en-US")} pod{all.length === 1 ? "" : "s"}
          {scope?.scope === "team" ? ` in ${scope.namespace}` : " managed by Slipway"}
        </span>
        {hasNextPage || pods.isPending ? (
          <span className="text-slate-500" data-testid="pods-loading">
            loading…{remaining ? ` about ${remaining.toLocaleString("en-US")} more` : ""}
          </span>
        ) : null}
        <Button variant="ghost" size="sm" className="ml-auto" disabled={pods.isFetching} onClick={restart}>
          Refresh
        </Button>
      </div>
      <ErrorText error={error} />
      {error ? (
        <Button variant="secondary" size="sm" onClick={restart}>
          Load again from the start
        </Button>
      ) : null}

      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Counts by phase">
        <button type="button" onClick={() => filterBy(setPhase)(ALL)} className={phase === ALL ? "font-semibold" : ""}>
          <Badge tone="neutral">all {Object.values(counts).reduce((a, b) => a + b, 0).toLocaleString("en-US")}</Badge>
        </button>
        {[...PHASES, ...Object.keys(counts).filter((k) => !(PHASES as readonly string[]).includes(k))].map((ph) =>
          counts[ph] ? (
            <button key={ph} type="button" onClick={() => filterBy(setPhase)(phase === ph ? ALL : ph)} aria-pressed={phase === ph} data-testid={`phase-${ph}`}>
              <Badge tone={phaseTone(ph)} className={phase === ph ? "ring-2 ring-slate-400" : ""}>
                {ph} {counts[ph]!.toLocaleString("en-US")}
              </Badge>
            </button>
          ) : null,
        )}
        {notReady ? <Badge tone="warning">{notReady.toLocaleString("en-US")} running, not ready</Badge> : null}
      </div>

      <div className="flex flex-wrap items-center gap-3">
        {scope?.scope === "cluster" ? <Select label="Team" value={team} options={teams} onChange={(v) => { filterBy(setTeam)(v); setApp(ALL); }} /> : null}
        <Select label="App" value={app} options={appOptions} onChange={filterBy(setApp)} />
        <Input className="h-8 w-56" placeholder="Filter by pod name" aria-label="Filter by pod name" value={search} onChange={(e) => { setSearch(e.target.value); setPage(0); }} />
      </div>

      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="pods-table">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1 pr-3">Pod</th>
              <th className="py-1 pr-3">Team / project / app</th>
              <th className="py-1 pr-3">Status</th>
              <th className="py-1 pr-3">Restarts</th>
              <th className="py-1 pr-3">Node</th>
              <th className="py-1 pr-3">Age</th>
              <th className="py-1 pr-3">Release</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((p) => (
              <tr key={`${p.namespace}/${p.name}`}>
                <td className="py-1 pr-3 font-mono text-xs">
                  <span className="text-slate-400">{p.namespace}/</span>
                  {p.name}
                </td>
                <td className="py-1 pr-3">{[p.team, p.project, p.app].map((x) => x ?? "?").join(" / ")}</td>
                <td className="py-1 pr-3">
                  <Badge tone={phaseTone(p.phase)}>{p.reason ?? p.phase}</Badge>
                  {p.phase === "Running" && !p.ready ? <span className="ml-1 text-xs text-amber-700">not ready</span> : null}
                </td>
                <td className="py-1 pr-3 tabular-nums">{p.restarts}</td>
                <td className="py-1 pr-3 font-mono text-xs">{p.node ?? "—"}</td>
                <td className="py-1 pr-3 tabular-nums">{age(p.startedAt, now)}</td>
                <td className="py-1 pr-3 font-mono text-xs">{p.releaseId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!pods.isPending && filtered.length === 0 ? <p className="py-2 text-sm text-slate-500">No pods match.</p> : null}
      </div>

      {pageCount > 1 ? (
        <div className="flex items-center gap-2 text-sm">
          <Button variant="secondary" size="sm" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </Button>
          <span className="tabular-nums" data-testid="pods-page">
            {current * ROWS_PER_PAGE + 1}–{Math.min(filtered.length, (current + 1) * ROWS_PER_PAGE)} of {filtered.length.toLocaleString("en-US")}
          </span>
          <Button variant="secondary" size="sm" disabled={current >= pageCount - 1} onClick={() => setPage(current + 1)}>
            Next
          </Button>
        </div>
      ) : null}
    </section>
  );
}

/** Collapsed until asked for: the cluster list does not load every cluster's pods on sight. */
export function ClusterPodsToggle({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="mt-2">
      <Button variant="ghost" size="sm" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide pods" : "Show pods"}
      </Button>
      {open ? <ClusterPods clusterId={clusterId} clusterName={clusterName} /> : null}
    </div>
  );
}
