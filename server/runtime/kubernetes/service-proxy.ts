// One HTTP request to an app through the API server's service proxy
// (/api/v1/namespaces/<ns>/services/<service>:<port>/proxy/…), with the team's own credentials:
// how an app on a cluster without an ingress controller is reached, as `kubectl proxy`, Lens and
// Headlamp reach it. The API server picks a ready endpoint of the Service, so a rollout's pods
// are used only once their readiness probe passes.
//
// Bodies stream both ways; connections to the API server are kept alive (one pool per TLS
// identity), so a page's many requests do not each pay a TLS handshake.
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import type { KubeConfig } from "@kubernetes/client-node";

export interface ProxiedRequest {
  method: string;
  /** The path under the app's root, starting with "/", with its query string. */
  path: string;
  headers: Record<string, string>;
  body: Readable | null;
  signal?: AbortSignal;
}

export interface ProxiedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

const keepAlive = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16 };
const httpsAgent = new https.Agent(keepAlive);
const httpAgent = new http.Agent(keepAlive);

/** The path under which the API server proxies to a Service's named port (and rewrites HTML links to). */
export function serviceProxyPath(namespace: string, service: string, portName: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(portName)}/proxy`;
}

export async function proxyThroughApiServer(config: KubeConfig, proxyPath: string, request: ProxiedRequest): Promise<ProxiedResponse> {
  const server = new URL(config.getCurrentCluster()?.server ?? "");
  // A server URL may carry a path of its own (a proxy in front of the API server, e.g. Rancher's).
  const base = server.pathname.replace(/\/+$/, "");
  const options: https.RequestOptions = {
    protocol: server.protocol,
    hostname: server.hostname.replace(/^\[|\]$/g, ""),
    port: server.port || (server.protocol === "https:" ? 443 : 80),
    method: request.method,
    path: `${base}${proxyPath}${request.path}`,
    headers: { ...request.headers },
    signal: request.signal,
  };
  // TLS trust, client certificates and the bearer token of the team's ServiceAccount.
  await config.applyToHTTPSOptions(options);
  const secure = server.protocol === "https:";
  options.agent = secure ? httpsAgent : httpAgent;
  return new Promise<ProxiedResponse>((resolve, reject) => {
    const req = (secure ? https : http).request(options, (res) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res }));
    req.on("error", reject);
    if (request.body) {
      request.body.on("error", (e) => req.destroy(e));
      request.body.pipe(req);
    } else {
      req.end();
    }
  });
}
