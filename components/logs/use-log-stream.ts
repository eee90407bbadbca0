"use client";

import { useEffect, useRef, useState } from "react";
import type { LogLineDto } from "@/server/logs/schemas";
import { liveLogUrl } from "./queries";

export type LiveState = "connecting" | "open" | "reconnecting" | "paused";

interface Snapshot {
  key: string;
  lines: LogLineDto[];
  /** seq of the newest line received: where a resume starts */
  lastSeq: number | null;
  /** lines dropped from the front to keep at most `max` */
  trimmed: number;
  state: LiveState;
}

/** When the browser gives up on a stream (an HTTP error), how long before asking again. */
const RETRY_MS = 3000;

const empty = (key: string, paused: boolean): Snapshot => ({ key, lines: [], lastSeq: null, trimmed: 0, state: paused ? "paused" : "connecting" });

/**
 * Follows an app's live logs (event `lines`: a batch of LogLineDto, id = the last seq). The
 * browser's EventSource reconnects by itself and sends Last-Event-ID, so the server resumes after
 * the last line received. When it gives up (an HTTP error answer), a new stream is opened with
 * `after=<last seq>`; pausing closes the stream and resuming opens one the same way: the lines
 * printed meanwhile come from the store, none twice (lines at or below the last seq are dropped).
 * At most `max` lines are kept (the newest).
 */
export function useLogStream(o: { appId: string; releaseId: string | null; paused: boolean; tail?: number; max?: number }) {
  const { appId, releaseId, paused } = o;
  const tail = o.tail ?? 200;
  const max = o.max ?? 2000;
  const key = `${appId}/${releaseId ?? ""}`;
  const [snapshot, setSnapshot] = useState<Snapshot>(() => empty(key, paused));
  const current = snapshot.key === key ? snapshot : empty(key, paused);
  // The newest seq received for this key, read by the handlers (state updaters may run later).
  const last = useRef<{ key: string; seq: number | null }>({ key, seq: null });

  useEffect(() => {
    const update = (fn: (s: Snapshot) => Snapshot) => setSnapshot((s) => fn(s.key === key ? s : empty(key, paused)));
    if (paused) {
      update((s) => ({ ...s, state: "paused" }));
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    if (last.current.key !== key) last.current = { key, seq: null };
    const connect = () => {
      const after = last.current.seq;
      update((s) => ({ ...s, state: after === null ? "connecting" : "reconnecting" }));
      // Later reconnects of this EventSource carry Last-Event-ID by themselves.
      source = new EventSource(liveLogUrl(appId, { releaseId, tail, after }));
      source.addEventListener("open", () => update((s) => ({ ...s, state: "open" })));
      source.addEventListener("lines", (e) => {
        const batch = JSON.parse((e as MessageEvent<string>).data) as LogLineDto[];
        const seen = last.current.seq;
        const fresh = seen === null ? batch : batch.filter((l) => l.seq > seen);
        if (fresh.length === 0) return;
        const lastSeq = fresh[fresh.length - 1]!.seq;
        last.current = { key, seq: lastSeq };
        update((s) => {
          const all = s.lines.concat(fresh);
          const over = Math.max(0, all.length - max);
          return { ...s, state: "open", lines: over ? all.slice(over) : all, trimmed: s.trimmed + over, lastSeq };
        });
      });
      source.addEventListener("error", () => {
        if (closed || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          // Refused (e.g. slipwayd restarting answered 503): the browser will not retry by itself.
          update((s) => ({ ...s, state: "reconnecting" }));
          retry = setTimeout(connect, RETRY_MS);
        } else {
          update((s) => ({ ...s, state: "reconnecting" }));
        }
      });
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [appId, releaseId, paused, tail, max, key]);

  return { lines: current.lines, state: current.state, trimmed: current.trimmed };
}
