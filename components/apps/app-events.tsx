"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import type { AppEventDto } from "@/server/apps/events/schemas";
import { fetchOlderAppEvents, useAppEvents } from "./queries";

function tone(kind: string): "neutral" | "running" | "success" | "failure" | "warning" {
  switch (kind) {
    case "deployed":
    case "recovered":
    case "started":
    case "domain_verified":
      return "success";
    case "deploy_failed":
    case "crashed":
      return "failure";
    case "rolled_back":
    case "auto_rolled_back":
    case "stopped":
      return "warning";
    case "deploy_started":
    case "restarted":
      return "running";
    default:
      return "neutral";
  }
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** The app's story, newest first: deploys, crashes, rollbacks, restarts, stops, scales. */
export function AppEvents({ appId }: { appId: string }) {
  const events = useAppEvents(appId);
  const [older, setOlder] = useState<AppEventDto[]>([]);
  // The cursor after the last older page; undefined until one is loaded (then the first page's counts).
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [olderError, setOlderError] = useState<unknown>(null);
  const first = events.data?.items ?? [];
  const all = [...first, ...older.filter((o) => !first.some((e) => e.id === o.id))];
  const next = olderCursor === undefined ? (events.data?.nextCursor ?? null) : olderCursor;

  const loadOlder = () => {
    const last = all.at(-1);
    if (!last) return;
    fetchOlderAppEvents(appId, last.id)
      .then((page) => {
        setOlder((o) => [...o, ...page.items]);
        setOlderCursor(page.nextCursor);
      })
      .catch(setOlderError);
  };

  return (
    <Card data-testid="app-events">
      <CardTitle>Events</CardTitle>
      <ErrorText error={events.error ?? olderError} />
      {events.data && all.length === 0 ? <p className="text-sm text-slate-500">Nothing has happened to this app yet.</p> : null}
      <ul className="divide-y divide-slate-100">
        {all.map((e) => (
          <li key={e.id} className="flex items-start gap-3 py-2 text-sm" data-testid="app-event" data-kind={e.kind}>
            <time dateTime={e.createdAt} className="w-44 shrink-0 text-xs text-slate-500">{formatTime(e.createdAt)}</time>
            <Badge tone={tone(e.kind)} className="shrink-0">{e.kind.replaceAll("_", " ")}</Badge>
            <span className="min-w-0 break-words">{e.message}</span>
          </li>
        ))}
      </ul>
      {next ? (
        <Button variant="ghost" size="sm" className="mt-2" onClick={loadOlder}>Show older</Button>
      ) : null}
    </Card>
  );
}
