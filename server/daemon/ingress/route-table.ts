// Host → upstream routing for the ingress proxy. Apps live at
// <app>.<project>.<team>.<domain>[:port]; the table is swapped whole, so a request sees either
// the old release's replicas or the new one's, never a half-updated list.

import { appHostLabels } from "../../apps/app-url";

export interface Route {
  appId: string;
  /** "<app>.<project>.<team>" */
  key: string;
  /** whether the app has a live release at all */
  live: boolean;
  /** e.g. http://127.0.0.1:40417, one per running replica of the live release */
  upstreams: string[];
}

export type Lookup =
  | { kind: "unknown" }
  | { kind: "not-deployed"; route: Route }
  | { kind: "no-replicas"; route: Route }
  | { kind: "ok"; route: Route; upstreams: string[] };

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

export class RouteTable {
  private routes = new Map<string, Route>();
  private cursor = new Map<string, number>();

  constructor(readonly domain: string) {}

  replace(routes: Route[]): void {
    this.routes = new Map(routes.map((r) => [r.key, r]));
  }

  /** Switch one app's upstreams now (the reconciler promotes a release between full rebuilds). */
  setUpstreams(appId: string, upstreams: string[]): void {
    for (const r of this.routes.values()) {
      if (r.appId === appId) this.routes.set(r.key, { ...r, live: true, upstreams });
    }
  }

  remove(appId: string): void {
    for (const [k, r] of this.routes) if (r.appId === appId) this.routes.delete(k);
  }

  all(): Route[] {
    return [...this.routes.values()];
  }

  byApp(appId: string): Route | undefined {
    return this.all().find((r) => r.appId === appId);
  }

  /** Upstreams in round-robin order: the first is this request's pick, the rest are fallbacks. */
  lookup(host: string | undefined): Lookup {
    const key = parseHost(host, this.domain);
    const route = key ? this.routes.get(key) : undefined;
    if (!route) return { kind: "unknown" };
    if (!route.live) return { kind: "not-deployed", route };
    if (!route.upstreams.length) return { kind: "no-replicas", route };
    const n = route.upstreams.length;
    const start = (this.cursor.get(route.key) ?? 0) % n;
    this.cursor.set(route.key, start + 1);
    return { kind: "ok", route, upstreams: [...route.upstreams.slice(start), ...route.upstreams.slice(0, start)] };
  }
}
