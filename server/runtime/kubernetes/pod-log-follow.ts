// One container's log of one pod through the API server, from a given time, handed over as whole
// lines ("<RFC3339Nano> <text>", timestamps=true) chunk by chunk: what slipwayd's pod log
// collector stores (server/daemon/logs/pod-log-collector.ts). A request of its own (not
// client-node's Log, which pipes the response without passing on its errors, so a dropped
// connection would leave the stream open forever) and its own end: the promise settles when the
// API server ends the body, the connection drops, or stop() is called.
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export interface PodContainerLogRequest {
  config: KubeConfig;
  namespace: string;
  pod: string;
  container: string;
  /** keep the request open for new lines until the container stops */
  follow: boolean;
  /** the container instance before the current one (its last run) */
  previous?: boolean;
  /** RFC3339, whole seconds: lines stamped at or after it */
  sinceTime?: string;
  /** called synchronously with each chunk's complete lines (no newline), in order */
  onLines: (lines: string[]) => void;
}

export interface PodContainerLogFollow {
  /**
   * Settles when the stream ended: true when the API server ended the body (every line it had was
   * handed over), false when the connection dropped or stop() was called; rejects on an HTTP error.
   */
  done: Promise<boolean>;
  stop(): void;
}

export class PodLogHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "PodLogHttpError";
  }
}

export function followPodContainerLog(r: PodContainerLogRequest): PodContainerLogFollow {
  let req: http.ClientRequest | null = null;
  let stopped = false;
  const done = (async () => {
    const cluster = r.config.getCurrentCluster();
    if (!cluster?.server) throw new PodLogHttpError(0, "the kubeconfig names no API server");
    const url = new URL(`${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(r.namespace)}/pods/${encodeURIComponent(r.pod)}/log`);
    url.searchParams.set("container", r.container);
    url.searchParams.set("timestamps", "true");
    if (r.follow) url.searchParams.set("follow", "true");
    if (r.previous) url.searchParams.set("previous", "true");
    if (r.sinceTime) url.searchParams.set("sinceTime", r.sinceTime);
    const opts: https.RequestOptions = { headers: {} };
    // Credentials, CA and TLS settings exactly as client-node applies them.
    await r.config.applyToHTTPSOptions(opts);
    if (stopped) return false;
    const client = url.protocol === "http:" ? http : https;
    return new Promise<boolean>((resolve, reject) => {
      req = client.request(url, { ...opts, method: "GET" }, (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const body: Buffer[] = [];
          res.on("data", (c: Buffer) => body.push(c));
          res.on("end", () => reject(new PodLogHttpError(status, statusMessage(Buffer.concat(body), status))));
          res.on("error", reject);
          return;
        }
        let carry = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const parts = (carry + chunk).split("\n");
          carry = parts.pop() ?? "";
          if (parts.length) r.onLines(parts);
        });
        res.on("end", () => {
          // The log's last line without a newline is whole once the body ended.
          if (carry) r.onLines([carry]);
          carry = "";
          resolve(true);
        });
        // A dropped connection (or stop()) ends the stream where it is; the partial line is not
        // stored and is read again from the cursor next time.
        res.on("error", () => resolve(false));
        res.on("close", () => resolve(false));
      });
      req.on("error", (e) => (stopped ? resolve(false) : reject(new PodLogHttpError(0, e.message))));
      req.end();
    });
  })();
  return {
    done,
    stop() {
      stopped = true;
      req?.destroy();
    },
  };
}

function statusMessage(body: Buffer, status: number): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { message?: unknown };
    if (typeof parsed.message === "string" && parsed.message) return parsed.message;
  } catch {
    // not a Status object: the status code says enough
  }
  return `HTTP ${status}`;
}
