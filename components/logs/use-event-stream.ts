"use client";

import { useEffect, useEffectEvent, useState } from "react";

type StreamState = "idle" | "open" | "ended" | "error";

interface Snapshot<T> {
  url: string | null;
  lines: T[];
  state: StreamState;
}

/**
 * Follows a server-sent-events URL and keeps the last `max` `line` events. EventSource reconnects
 * by itself and sends Last-Event-ID, so the build log resumes without gaps. State is keyed by URL,
 * so switching streams starts empty without resetting state inside the effect.
 */
export function useEventStream<T>(url: string | null, options: { max?: number; onEvent?: (event: string, data: unknown) => void } = {}) {
  const [snapshot, setSnapshot] = useState<Snapshot<T>>({ url, lines: [], state: "idle" });
  const max = options.max ?? 2000;
  const onEvent = useEffectEvent((event: string, data: unknown) => options.onEvent?.(event, data));

  useEffect(() => {
    if (!url) return;
    const update = (fn: (s: Snapshot<T>) => Snapshot<T>) =>
      setSnapshot((s) => fn(s.url === url ? s : { url, lines: [], state: "idle" }));
    const source = new EventSource(url);
    source.addEventListener("open", () => update((s) => ({ ...s, state: "open" })));
    source.addEventListener("line", (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as T;
      update((s) => ({ ...s, state: "open", lines: s.lines.length >= max ? [...s.lines.slice(s.lines.length - max + 1), data] : [...s.lines, data] }));
    });
    for (const name of ["build", "end"]) {
      source.addEventListener(name, (e) => {
        onEvent(name, JSON.parse((e as MessageEvent<string>).data));
        if (name === "end") {
          update((s) => ({ ...s, state: "ended" }));
          source.close();
        }
      });
    }
    source.addEventListener("error", () => update((s) => ({ ...s, state: s.state === "ended" ? s.state : "error" })));
    return () => source.close();
  }, [url, max]);

  const current = snapshot.url === url ? snapshot : { lines: [] as T[], state: "idle" as StreamState };
  return { lines: current.lines, state: current.state };
}
