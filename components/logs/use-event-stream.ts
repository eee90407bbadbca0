"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Follows a server-sent-events URL and keeps the last `max` `line` events. EventSource reconnects
 * by itself and sends Last-Event-ID, so the build log resumes without gaps.
 */
export function useEventStream<T>(url: string | null, options: { max?: number; onEvent?: (event: string, data: unknown) => void } = {}) {
  const [lines, setLines] = useState<T[]>([]);
  const [state, setState] = useState<"idle" | "open" | "ended" | "error">("idle");
  const onEvent = useRef(options.onEvent);
  onEvent.current = options.onEvent;
  const max = options.max ?? 2000;

  useEffect(() => {
    setLines([]);
    if (!url) return;
    const source = new EventSource(url);
    setState("open");
    source.addEventListener("line", (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as T;
      setLines((prev) => (prev.length >= max ? [...prev.slice(prev.length - max + 1), data] : [...prev, data]));
    });
    for (const name of ["build", "end"]) {
      source.addEventListener(name, (e) => {
        onEvent.current?.(name, JSON.parse((e as MessageEvent<string>).data));
        if (name === "end") {
          setState("ended");
          source.close();
        }
      });
    }
    source.addEventListener("error", () => setState((s) => (s === "ended" ? s : "error")));
    return () => source.close();
  }, [url, max]);

  return { lines, state };
}
