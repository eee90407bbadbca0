// The routes slipwayd wants the ingress proxy to serve: one per app, keyed by its host labels.
// The control loop rebuilds them each pass, sets an app's route after each of its steps, and
// switches one app's upstreams at promotion; every
// change goes to the sink (the Caddy pusher, caddy-routes.ts), which renders and applies it.
// Apps live at <app>.<project>.<team>.<domain>[:port] and at their verified custom domains.

import { appHostLabels } from "../../apps/app-url";

export interface DomainChallenge {
  hostname: string;
  /** the Domain row's id: the proof is served at /.well-known/slipway-challenge/<id> */
  id: string;
  token: string;
}

export interface Route {
  appId: string;
  /** "<app>.<project>.<team>" */
  key: string;
  /** whether the app has a live release at all */
  live: boolean;
  /** e.g. http://127.0.0.1:40417, one per running replica of the live release */
  upstreams: string[];
  /** verified custom hostnames (lower case): served over HTTPS, plain HTTP redirects there */
  domains: string[];
  /** pending HTTP proofs of ownership: GET http://<hostname>/.well-known/slipway-challenge/<id> → token */
  challenges: DomainChallenge[];
  /** stopped by its team: answers 503 "app stopped" instead of proxying */
  stopped: boolean;
  /** held by work on its volumes (a restore, a consistent backup): answers 503 saying so */
  heldReason?: string;
}

/**
 * Receives the whole table after each change. The promise resolves once the proxy serves that
 * table (or a later one) and rejects only when `mustApplyWithinMs` passed first.
 */
export type RouteSink = (routes: Route[], mustApplyWithinMs?: number) => Promise<void>;

export function routeKey(teamSlug: string, projectSlug: string, appSlug: string): string {
  return appHostLabels({ teamSlug, projectSlug, appSlug });
}

/** The route key for a Host header, or null when it is not one of ours. */
export function parseHost(host: string | undefined, domain: string): string | null {
  if (!host) return null;
  let h = host.trim().toLowerCase();
  // Strip the port (IPv6 literals are never app hosts, so a bracket means "not ours").
  if (h.startsWith("[")) return null;
  h = h.replace(/:\d+$/, "").replace(/\.$/, "");
  const suffix = `.${domain.toLowerCase().replace(/\.$/, "")}`;
  if (!h.endsWith(suffix)) return null;
  const labels = h.slice(0, -suffix.length).split(".");
  if (labels.length !== 3) return null;
  if (!labels.every((l) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(l))) return null;
  return labels.join(".");
}

/** How long a promotion waits for the proxy to take the new upstreams before it gives up (and retries next tick). */
export const SWITCH_TIMEOUT_MS = 10_000;

export class RouteTable {
  private routes = new Map<string, Route>();
  /**
   * Until the first replace() the table is unknown, not empty: a restarted slipwayd must not push
   * a table without the apps Caddy is serving (they would answer 404 until the next rebuild).
   */
  private loaded = false;

  /** Without a sink (unit tests) changes stay in memory. */
  constructor(
    readonly domain: string,
    private readonly sink: RouteSink = () => Promise.resolve(),
  ) {}

  /**
   * Swap the whole table. Resolves once the proxy serves it; never rejects (the sink keeps
   * retrying), so the reconciler's tick need not wait for it.
   */
  replace(routes: Route[]): Promise<void> {
    this.routes = new Map(routes.map((r) => [r.key, r]));
    this.loaded = true;
    return this.publish();
  }

  /**
   * Switch one app's upstreams now (the reconciler promotes a release between full rebuilds).
   * Resolves once the proxy sends new requests only to these upstreams, so the caller may start
   * draining the old ones; rejects when the proxy did not take them within SWITCH_TIMEOUT_MS.
   */
  setUpstreams(appId: string, upstreams: string[]): Promise<void> {
    if (!this.loaded) return Promise.reject(new Error("the route table is not built yet (first reconcile after a start): the switch waits for the next tick"));
    for (const r of this.routes.values()) {
      if (r.appId === appId) this.routes.set(r.key, { ...r, live: true, upstreams });
    }
    return this.sink(this.all(), SWITCH_TIMEOUT_MS);
  }

  /**
   * Set one app's route (a step of the control loop changed its replicas). Before the first
   * replace() it waits: the table is unknown until then. Never rejects (the sink keeps retrying).
   */
  put(route: Route): Promise<void> {
    if (!this.loaded) return Promise.resolve();
    const current = this.routes.get(route.key);
    if (current && JSON.stringify(current) === JSON.stringify(route)) return Promise.resolve();
    for (const [k, r] of this.routes) if (r.appId === route.appId && k !== route.key) this.routes.delete(k);
    this.routes.set(route.key, route);
    return this.publish();
  }

  remove(appId: string): Promise<void> {
    for (const [k, r] of this.routes) if (r.appId === appId) this.routes.delete(k);
    return this.loaded ? this.publish() : Promise.resolve();
  }

  all(): Route[] {
    return [...this.routes.values()];
  }

  byApp(appId: string): Route | undefined {
    return this.all().find((r) => r.appId === appId);
  }

  private publish(): Promise<void> {
    return this.sink(this.all());
  }
}
