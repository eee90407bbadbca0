// Pages of Slipway-managed pods straight from the API server, mapped to the cluster view's compact
// DTO as each page arrives. Deliberately not client-node's typed listPodForAllNamespaces: that
// deserializes every field of every pod into model classes (several times the cost of
// JSON.parse), and opens a new TLS connection per request; a list of 10,000 pods is 20 pages.
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { createGunzip } from "node:zlib";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ManagedPodDto } from "../../clusters/pod-schemas";
import { LABEL, MANAGED_BY } from "./names";

/** The parts of a pod on the wire that the DTO reads (the JSON names, not client-node's model names). */
interface WirePod {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    startTime?: string;
    conditions?: { type?: string; status?: string }[];
    containerStatuses?: { restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }[];
  };
}

interface WirePodList {
  metadata?: { continue?: string; remainingItemCount?: number; resourceVersion?: string };
  items?: WirePod[];
}

export function managedPodSelector(teamSlug?: string): string {
  const managed = `${LABEL.managedBy}=${MANAGED_BY}`;
  return teamSlug ? `${managed},${LABEL.team}=${teamSlug}` : managed;
}

export function toManagedPodDto(pod: WirePod): ManagedPodDto {
  const labels = pod.metadata?.labels ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let reason: string | null = null;
  for (const c of status.containerStatuses ?? []) {
    restarts += c.restartCount ?? 0;
    reason ??= c.state?.waiting?.reason ?? c.state?.terminated?.reason ?? null;
  }
  if (pod.metadata?.deletionTimestamp) reason = "Terminating";
  else reason = status.reason ?? reason;
  return {
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    team: labels[LABEL.team] ?? null,
    project: labels[LABEL.project] ?? null,
    app: labels[LABEL.app] ?? null,
    appId: labels[LABEL.appId] ?? null,
    releaseId: labels[LABEL.release] ?? null,
    phase: status.phase ?? "Unknown",
    reason,
    ready: status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    restarts,
    node: pod.spec?.nodeName || null,
    startedAt: status.startTime ?? null,
  };
}

export interface PodPageRequest {
  /** One namespace, or every namespace when absent. */
  namespace?: string;
  labelSelector: string;
  limit: number;
  continueToken?: string;
}

export interface PodPage {
  items: ManagedPodDto[];
  continueToken: string | null;
  remainingItemCount: number | null;
  /** Bytes of the API server's (decompressed) JSON for this page, for the benchmark. */
  wireBytes: number;
}

/** A failed list: the API server's HTTP status (0 when it never answered) and its Status message. */
export class PodListError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "PodListError";
  }
}

const PAGE_TIMEOUT_MS = 30_000;

/**
 * Lists pods of one cluster over one keep-alive connection pool. Build one per cluster (its
 * kubeconfig) and keep it; `close()` when the cluster's record changes.
 */
export class ManagedPodLister {
  private agent: https.Agent | undefined;

  constructor(private readonly config: KubeConfig) {}

  private async requestOptions(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: {} };
    // Credentials, CA and TLS settings exactly as client-node applies them (token or client
    // certificate, insecure-skip-tls-verify, tls-server-name, proxies).
    await this.config.applyToHTTPSOptions(opts);
    const cluster = this.config.getCurrentCluster();
    if (cluster?.server.startsWith("https:") && !cluster.proxyUrl) {
      // client-node makes a new Agent per request (a TLS handshake per page); keep one alive instead.
      (opts.agent as https.Agent | undefined)?.destroy();
      this.agent ??= new https.Agent({
        keepAlive: true,
        maxSockets: 4,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized,
        servername: opts.servername,
      });
      opts.agent = this.agent;
    }
    return opts;
  }

  async page(request: PodPageRequest): Promise<PodPage> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster?.server) throw new PodListError(0, "the kubeconfig names no API server");
    const base = new URL(cluster.server);
    const prefix = base.pathname.replace(/\/+$/, "");
    const path = request.namespace ? `/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods` : "/api/v1/pods";
    const query = new URLSearchParams({ labelSelector: request.labelSelector, limit: String(request.limit) });
    if (request.continueToken) query.set("continue", request.continueToken);
    const opts = await this.requestOptions();
    const headers = { ...(opts.headers as Record<string, string>), accept: "application/json", "accept-encoding": "gzip" };
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = https.request(
        { ...opts, protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method: "GET", path: `${prefix}${path}?${query}`, headers, timeout: PAGE_TIMEOUT_MS },
        (res) => readBody(res).then(
          (buf) => ((res.statusCode ?? 0) === 200 ? resolve(buf) : reject(new PodListError(res.statusCode ?? 0, statusMessage(buf, res.statusCode ?? 0)))),
          reject,
        ),
      );
      req.on("timeout", () => req.destroy(new PodListError(0, `no answer from ${cluster.server} within ${PAGE_TIMEOUT_MS / 1000} s`)));
      req.on("error", (e) => reject(e instanceof PodListError ? e : new PodListError(0, e.message)));
      req.end();
    });
    const list = JSON.parse(body.toString("utf8")) as WirePodList;
    return {
      items: (list.items ?? []).map(toManagedPodDto),
      continueToken: list.metadata?.continue || null,
      remainingItemCount: list.metadata?.remainingItemCount ?? null,
      wireBytes: body.length,
    };
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

function readBody(res: IncomingMessage): Promise<Buffer> {
  // Gzip is worth it for a remote cluster (pod JSON compresses ~15x); the API server only
  // compresses large responses, so read either.
  const stream = res.headers["content-encoding"] === "gzip" ? res.pipe(createGunzip()) : res;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
    res.on("error", reject);
  });
}

function statusMessage(body: Buffer, status: number): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { message?: unknown };
    if (typeof parsed.message === "string" && parsed.message) return parsed.message;
  } catch {
    // not a Status object
  }
  return `HTTP ${status}`;
}
