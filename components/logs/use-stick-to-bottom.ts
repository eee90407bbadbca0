"use client";

import { useEffect, useRef, type RefObject } from "react";

/**
 * Keeps a scrolling log at its newest line while the reader is there; a reader who scrolled up
 * to read stays where they are (the region is not pulled down under them).
 */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, changed: unknown): void {
  const atBottom = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [ref]);
  useEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [ref, changed]);
}
