"use client";

import { useState } from "react";
import { Badge, statusTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { cn } from "@/components/ui/cn";
import type { BuildDto } from "@/server/builds/schemas";
import { BuildPanel } from "./build-panel";
import { formatDuration, triggerText } from "./build-text";
import { fetchOlderBuilds, useCancelBuild } from "./queries";

const active = (b: BuildDto) => b.status === "QUEUED" || b.status === "RUNNING";

/**
 * The app's builds, newest first; a click on a row shows that build's steps and kept log below.
 * Until a row is chosen the newest build is shown (so a new deploy appears at once).
 */
export function BuildHistory({ appId, builds, canDeploy }: { appId: string; builds: BuildDto[]; canDeploy: boolean }) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [older, setOlder] = useState<BuildDto[]>([]);
  const [olderDone, setOlderDone] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  const cancel = useCancelBuild(appId);
  const all = [...builds, ...older.filter((o) => !builds.some((b) => b.id === o.id))];
  const selected = all.find((b) => b.id === selectedId) ?? all[0];

  const loadOlder = () => {
    const last = all.at(-1);
    if (!last) return;
    fetchOlderBuilds(appId, last.id)
      .then((page) => {
        setOlder((o) => [...o, ...page]);
        if (page.length < 20) setOlderDone(true);
      })
      .catch(setOlderError);
  };

  if (!all.length) return null;
  return (
    <>
      <Card data-testid="build-history">
        <CardTitle>Builds</CardTitle>
        <ErrorText error={cancel.error ?? olderError} />
        <ul className="divide-y divide-slate-100">
          {all.map((b) => (
            <li key={b.id} data-testid="build-row" data-build-id={b.id} data-selected={b.id === selected?.id} className={cn("flex flex-wrap items-center gap-3 px-2 py-2 text-sm", b.id === selected?.id && "bg-slate-50")}>
              <button type="button" aria-pressed={b.id === selected?.id} onClick={() => setSelectedId(b.id)} className="flex min-w-0 flex-1 items-center gap-3 text-left hover:underline">
                <span className="font-mono text-slate-500">#{b.number}</span>
                <Badge tone={statusTone(b.status)}>{b.status}</Badge>
                <span className="min-w-0 flex-1 truncate" data-testid="build-trigger" title={b.error ?? undefined}>{triggerText(b)}{b.canceledBy ? ` · canceled by ${b.canceledBy.name}` : ""}</span>
                {b.commitSha ? <span className="font-mono text-xs text-slate-500">{b.commitSha.slice(0, 7)}</span> : null}
                <span className="w-24 text-right text-xs text-slate-500">{formatDuration(b.durationMs)}</span>
              </button>
              {canDeploy && active(b) ? (
                <Button size="sm" variant="secondary" data-testid="cancel-build" disabled={cancel.isPending && cancel.variables === b.id} onClick={() => cancel.mutate(b.id)}>
                  Cancel
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        {all.length >= 20 && !olderDone ? (
          <Button size="sm" variant="ghost" className="mt-2" onClick={loadOlder} data-testid="older-builds">Older builds</Button>
        ) : null}
      </Card>
      {selected ? <BuildPanel key={selected.id} build={selected} /> : null}
    </>
  );
}
