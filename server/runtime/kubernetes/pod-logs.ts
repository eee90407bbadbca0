// Follows the logs of every pod of an app through the API server (kubelet, or KWOK in tests),
// merged into one stream of LogLine, the same shape the embedded runtime produces.
import { PassThrough } from "node:stream";
import { Log, type CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { LogLine } from "../runtime-driver";

export interface PodLogOptions {
  config: KubeConfig;
  core: CoreV1Api;
  namespace: string;
  labelSelector: string;
  follow: boolean;
  tail?: number;
  signal?: AbortSignal;
}

/** "2026-11-28T11:00:00.123456789Z message" (timestamps=true) → time + line. */
export function splitTimestamp(raw: string): { time: string; line: string } {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? raw.slice(0, space) : "";
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(stamp)) return { time: new Date(stamp).toISOString(), line: raw.slice(space + 1) };
  return { time: new Date().toISOString(), line: raw };
}

export async function* followPodLogs(o: PodLogOptions): AsyncGenerator<LogLine> {
  const pods = await o.core.listNamespacedPod({ namespace: o.namespace, labelSelector: o.labelSelector });
  const running = pods.items.filter((p) => p.status?.phase === "Running" && p.metadata?.name);
  if (!running.length) return;
  const queue: LogLine[] = [];
  let wake: (() => void) | undefined;
  let open = running.length;
  const controllers: AbortController[] = [];
  const push = (l: LogLine) => {
    queue.push(l);
    wake?.();
  };
  const log = new Log(o.config);
  for (const pod of running) {
    const name = pod.metadata!.name!;
    const stream = new PassThrough();
    let carry = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (carry + chunk.toString("utf8")).split("\n");
      carry = parts.pop() ?? "";
      for (const p of parts) if (p) push({ ...splitTimestamp(p), stream: "stdout", replica: name });
    });
    stream.on("end", () => {
      if (carry) push({ ...splitTimestamp(carry), stream: "stdout", replica: name });
      open--;
      wake?.();
    });
    const controller = await log.log(o.namespace, name, "app", stream, { follow: o.follow, tailLines: o.tail, timestamps: true }).catch(() => {
      open--;
      return undefined;
    });
    if (controller) controllers.push(controller);
  }
  const abort = () => {
    for (const c of controllers) c.abort();
    open = 0;
    wake?.();
  };
  o.signal?.addEventListener("abort", abort, { once: true });
  try {
    while (true) {
      while (queue.length) yield queue.shift()!;
      if (open <= 0 || o.signal?.aborted) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    o.signal?.removeEventListener("abort", abort);
    for (const c of controllers) c.abort();
  }
}
