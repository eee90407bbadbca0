// Routes → Caddy's JSON config: a pure function, so what the proxy is told can be tested without
// a proxy, and so the pusher can skip a push when nothing changed (same routes, same JSON).
//
// Two servers: "ingress" on the HTTP port serves app hostnames (<app>.<project>.<team>.<domain>),
// pending domain challenges and the redirect of verified custom domains to HTTPS; "ingress-tls"
// on the HTTPS port serves verified custom domains with certificates from the issuer (Caddy's
// internal CA or ACME). Caddy's automatic HTTPS leaves the HTTP server alone (it listens on
// http_port) and manages certificates for the TLS server's hostnames; its own redirects are off
// because ours cover exactly the custom domains and nothing else.
import type { Route } from "./route-table";

export type TlsIssuer = "internal" | "acme";

export interface CaddyConfigOptions {
  /** the platform's app domain: apps answer at <app>.<project>.<team>.<domain> */
  domain: string;
  httpPort: number;
  httpsPort: number;
  /** the address to listen on; "" or 0.0.0.0 for every interface */
  listenHost?: string;
  tlsIssuer: TlsIssuer;
  acmeEmail?: string;
  /** unix socket of the admin API; repeated in every config because /load replaces all of it */
  adminSocket: string;
  /** file for the per-request access log that slipwayd's HTTP metrics read (none when absent) */
  accessLog?: string;
}

/** How long in-flight requests of a replaced config (or a stopping Caddy) may take to finish. */
export const GRACE_PERIOD = "30s";
/** How long a request keeps trying other replicas when dialing one fails (one just stopped). */
export const LB_TRY_DURATION = "5s";

type Json = Record<string, unknown>;

const TEXT_HEADERS = { "Content-Type": ["text/plain; charset=utf-8"], "Cache-Control": ["no-store"] };

export const INGRESS_MESSAGES = {
  unknown: "no app at this address",
  notDeployed: "app not deployed yet",
  stopped: "app stopped",
  noReplicas: "app has no running replicas right now",
  upstreamFailed: "bad gateway: the app did not answer",
} as const;

function text(status: number, body: string): Json {
  return { handler: "static_response", status_code: status, headers: TEXT_HEADERS, body: `${body}\n` };
}

/** "http://127.0.0.1:40417" → "127.0.0.1:40417" (Caddy dials host:port). */
export function dialAddress(upstream: string): string {
  const u = new URL(upstream);
  return u.host;
}

/** What a held app answers (server/volumes/app-hold.ts says why). */
export function heldMessage(reason: string): string {
  return `app unavailable for a moment: ${reason}`;
}

function appHandler(route: Route): Json {
  if (route.heldReason) return text(503, heldMessage(route.heldReason));
  if (route.stopped) return text(503, INGRESS_MESSAGES.stopped);
  if (!route.live) return text(503, INGRESS_MESSAGES.notDeployed);
  if (!route.upstreams.length) return text(503, INGRESS_MESSAGES.noReplicas);
  return {
    handler: "reverse_proxy",
    // Sorted: the same replicas in another order are the same config (no reload).
    upstreams: [...route.upstreams].map(dialAddress).sort().map((dial) => ({ dial })),
    // A dial that fails (a replica that just stopped) is retried on the next replica; requests
    // already sent are never retried, so a POST is never delivered twice.
    load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: LB_TRY_DURATION, try_interval: "100ms" },
    transport: {
      protocol: "http",
      dial_timeout: "2s",
      // Pooled connections, as a browser-facing proxy should; a replaced config's pool is closed
      // by Caddy once its in-flight requests are done, so drained replicas keep no idle sockets.
      keep_alive: { enabled: true, idle_timeout: "30s", max_idle_conns_per_host: 64 },
    },
  };
}

function hostRoute(hosts: string[], handler: Json): Json {
  return { match: [{ host: hosts }], handle: [handler], terminal: true };
}

function redirectToHttps(httpsPort: number): Json {
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  return {
    handler: "static_response",
    status_code: 308,
    headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`], "Cache-Control": ["no-store"] },
  };
}

function listenAddress(opts: CaddyConfigOptions, port: number): string {
  const host = opts.listenHost && opts.listenHost !== "0.0.0.0" ? opts.listenHost : "";
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

const byKey = (a: Route, b: Route) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.appId < b.appId ? -1 : 1);
const sorted = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort();

export function renderCaddyConfig(routes: Route[], opts: CaddyConfigOptions): Json {
  const domain = opts.domain.toLowerCase().replace(/\.$/, "");
  const ordered = [...routes].sort(byKey);
  const challenges = ordered
    .flatMap((r) => r.challenges)
    .map((c) => ({ ...c, hostname: c.hostname.toLowerCase() }))
    .sort((a, b) => (a.hostname + a.id < b.hostname + b.id ? -1 : 1));
  const withDomains = ordered.filter((r) => r.domains.length);
  const customHosts = sorted(withDomains.flatMap((r) => r.domains));

  const httpRoutes: Json[] = [
    // Proofs first: a pending hostname answers only its challenge path (everything else is 404).
    ...challenges.map((c) => ({
      match: [{ host: [c.hostname], path: [`/.well-known/slipway-challenge/${c.id}`] }],
      handle: [{ handler: "static_response", status_code: 200, headers: TEXT_HEADERS, body: c.token }],
      terminal: true,
    })),
    ...ordered.map((r) => hostRoute([`${r.key}.${domain}`], appHandler(r))),
    ...(customHosts.length ? [hostRoute(customHosts, redirectToHttps(opts.httpsPort))] : []),
    { handle: [text(404, INGRESS_MESSAGES.unknown)], terminal: true },
  ];
  // Errors of the proxy itself (every replica refused for LB_TRY_DURATION, or failed mid-way).
  const errors = { routes: [{ handle: [text(502, INGRESS_MESSAGES.upstreamFailed)] }] };

  // Each server's requests go to the access logger (ACCESS_LOGGER) when there is an access log.
  const logs = opts.accessLog ? { logs: { default_logger_name: ACCESS_LOGGER } } : {};
  const servers: Json = {
    ingress: { listen: [listenAddress(opts, opts.httpPort)], routes: httpRoutes, errors, ...logs },
  };
  if (customHosts.length) {
    servers["ingress-tls"] = {
      listen: [listenAddress(opts, opts.httpsPort)],
      routes: [...withDomains.map((r) => hostRoute(sorted(r.domains), appHandler(r))), { handle: [text(404, INGRESS_MESSAGES.unknown)], terminal: true }],
      errors,
      ...logs,
      automatic_https: { disable_redirects: true },
    };
  }
  const issuer: Json = opts.tlsIssuer === "acme" ? { module: "acme", ...(opts.acmeEmail ? { email: opts.acmeEmail } : {}) } : { module: "internal" };

  return {
    admin: { listen: `unix/${opts.adminSocket}`, origins: ["localhost"], config: { persist: true } },
    logging: opts.accessLog ? loggingWithAccessLog(opts.accessLog) : CADDY_LOGGING,
    apps: {
      http: { http_port: opts.httpPort, https_port: opts.httpsPort, grace_period: GRACE_PERIOD, servers },
      ...(customHosts.length ? { tls: { automation: { policies: [{ subjects: customHosts, issuers: [issuer] }] } } } : {}),
      // The internal CA stays in Caddy's storage: never installed into the host's trust store.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}

/**
 * Caddy's own log (stderr, which slipwayd sends to caddy.log) without the "request" object.
 * Caddy 2.6 builds that object for every proxied request whether or not anything is logged: its
 * server and reverse_proxy handler each call zap's Logger.With(request), which JSON-encodes the
 * method, URI and every header at once. Profiled under load (pprof on the admin socket), that was
 * 13% of Caddy's CPU, plus the garbage it leaves. The filter encoder drops the field before it is
 * encoded. Nothing visible is lost at the default level: a proxy error that our errors route
 * answers is logged at DEBUG only, and then with its message, which names the upstream address.
 */
export const CADDY_LOGGING: Json = {
  logs: { default: { writer: { output: "stderr" }, encoder: { format: "filter", wrap: { format: "json" }, fields: { request: { filter: "delete" } } } } },
};

/** Caddy names a server's access logger http.log.access.<default_logger_name>. */
export const ACCESS_LOGGER = "slipway";

/**
 * Caddy's own log as above (the access logger kept out of it) plus the access log: one JSON line
 * per request with what HTTP metrics need (ts, request.host, status, duration in seconds) and
 * nothing else. The filter encoder deletes every other field before it is encoded (headers,
 * URI, client address: the cost of encoding them, and no visitor data kept on disk). A file, not
 * a network writer: Caddy outlives slipwayd and must not block or fail when nobody reads; the
 * file is rolled over at 16 MiB with one old file kept, so it never grows without bound.
 */
export function loggingWithAccessLog(file: string): Json {
  const drop = ["remote_ip", "remote_port", "proto", "method", "uri", "headers", "tls"].map((f) => `request>${f}`);
  return {
    logs: {
      default: { ...(CADDY_LOGGING.logs as { default: Json }).default, exclude: [`http.log.access.${ACCESS_LOGGER}`] },
      access: {
        writer: { output: "file", filename: file, roll_size_mb: 16, roll_keep: 1, roll_gzip: false },
        encoder: { format: "filter", wrap: { format: "json" }, fields: Object.fromEntries([...drop, "user_id", "size", "resp_headers"].map((f) => [f, { filter: "delete" }])) },
        include: [`http.log.access.${ACCESS_LOGGER}`],
      },
    },
  };
}

/** The config Caddy starts with before slipwayd pushes any route: its admin API and nothing else. */
export function initialCaddyConfig(adminSocket: string): Json {
  return { admin: { listen: `unix/${adminSocket}`, origins: ["localhost"], config: { persist: true } }, logging: CADDY_LOGGING };
}
