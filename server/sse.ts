import "server-only";
// Server-sent events from an async generator, with a heartbeat comment so proxies keep the
// connection open, and cancellation passed down when the browser goes away.
export interface SseEvent {
  event?: string;
  id?: string | number;
  data: unknown;
}

export function sseResponse(produce: (signal: AbortSignal) => AsyncIterable<SseEvent>, requestSignal: AbortSignal): Response {
  const controller = new AbortController();
  requestSignal.addEventListener("abort", () => controller.abort(), { once: true });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(sink) {
      const heartbeat = setInterval(() => {
        try {
          sink.enqueue(encoder.encode(": keep-alive\n\n"));
        } catch {
          clearInterval(heartbeat);
        }
      }, 15_000);
      try {
        for await (const e of produce(controller.signal)) {
          if (controller.signal.aborted) break;
          let frame = "";
          if (e.event) frame += `event: ${e.event}\n`;
          if (e.id !== undefined) frame += `id: ${e.id}\n`;
          frame += `data: ${JSON.stringify(e.data)}\n\n`;
          sink.enqueue(encoder.encode(frame));
        }
      } catch (error) {
        if (!controller.signal.aborted) {
          const message = error instanceof Error ? error.message : "stream failed";
          sink.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ message })}\n\n`));
        }
      } finally {
        clearInterval(heartbeat);
        try {
          sink.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
    cancel() {
      controller.abort();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
