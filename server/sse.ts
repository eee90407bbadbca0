import "server-only";
// Server-sent events from an async generator, with a heartbeat comment so proxies keep the
// connection open, and cancellation passed down when the browser goes away. The stream is pulled:
// the next event is produced only when the browser has taken the previous ones, so a slow browser
// slows only its own producer and never makes the server buffer without bound.
export interface SseEvent {
  event?: string;
  id?: string | number;
  data: unknown;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

const HEARTBEAT_MS = 15_000;
/** Events queued for the browser before the producer waits. */
const QUEUED_EVENTS = 16;

function frame(e: SseEvent): string {
  let text = "";
  if (e.event) text += `event: ${e.event}\n`;
  if (e.id !== undefined) text += `id: ${e.id}\n`;
  return `${text}data: ${JSON.stringify(e.data)}\n\n`;
}

export function sseResponse(produce: (signal: AbortSignal) => AsyncIterable<SseEvent>, requestSignal: AbortSignal): Response {
  const controller = new AbortController();
  requestSignal.addEventListener("abort", () => controller.abort(), { once: true });
  const encoder = new TextEncoder();
  const events = produce(controller.signal)[Symbol.asyncIterator]();
  let heartbeat: NodeJS.Timeout | undefined;
  const finish = () => clearInterval(heartbeat);
  const stream = new ReadableStream<Uint8Array>(
    {
      start(sink) {
        heartbeat = setInterval(() => {
          try {
            sink.enqueue(encoder.encode(": keep-alive\n\n"));
          } catch {
            // The stream is closed (the browser left): nothing to keep alive.
            finish();
          }
        }, HEARTBEAT_MS);
      },
      async pull(sink) {
        try {
          const next = await events.next();
          if (next.done || controller.signal.aborted) {
            finish();
            sink.close();
            return;
          }
          sink.enqueue(encoder.encode(frame(next.value)));
        } catch (error) {
          finish();
          if (!controller.signal.aborted) {
            const message = error instanceof Error ? error.message : "stream failed";
            sink.enqueue(encoder.encode(frame({ event: "error", data: { message } })));
          }
          sink.close();
        }
      },
      async cancel() {
        finish();
        controller.abort();
        await events.return?.();
      },
    },
    { highWaterMark: QUEUED_EVENTS },
  );
  return new Response(stream, { headers: SSE_HEADERS });
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
