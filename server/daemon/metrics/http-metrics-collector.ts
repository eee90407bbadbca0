// Reads the ingress's access log every second and adds each app's requests into the metrics
// file, with the log position in the same transaction (access-log-follower.ts, metrics-store.ts).
import type { Logger } from "../logger";
import type { RouteTable } from "../ingress/route-table";
import { AccessLogFollower } from "./access-log-follower";
import { countAccessLines } from "./access-log-counts";
import type { MetricsStore } from "./metrics-store";

/** host → app id, from the route table (app hostnames and verified custom domains). */
export function hostIndex(routes: RouteTable): Map<string, string> {
  const domain = routes.domain.toLowerCase().replace(/\.$/, "");
  const m = new Map<string, string>();
  for (const r of routes.all()) {
    m.set(`${r.key}.${domain}`, r.appId);
    for (const d of r.domains) m.set(d.toLowerCase(), r.appId);
  }
  return m;
}

export class HttpMetricsCollector {
  private timer: NodeJS.Timeout | null = null;
  private readonly follower: AccessLogFollower;

  constructor(
    private readonly opts: { store: MetricsStore; routes: RouteTable; accessLog: string; log: Logger; everyMs?: number },
  ) {
    this.follower = new AccessLogFollower(opts.accessLog, opts.store.accessLogCursor());
  }

  start(): void {
    this.timer = setInterval(() => this.collectOnce(), this.opts.everyMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.follower.close();
  }

  /** One read; returns the number of requests counted. */
  collectOnce(): number {
    try {
      // Until the first pass of the control loop fills the route table no host maps to an app:
      // the lines wait in the file rather than being dropped as no app's.
      const hosts = hostIndex(this.opts.routes);
      if (!hosts.size) return 0;
      const lines = this.follower.read();
      if (!lines.length) return 0;
      const { counts, skipped } = countAccessLines(lines, (h) => hosts.get(h));
      this.opts.store.addAppCounts(counts, this.follower.position());
      if (skipped) this.opts.log.debug({ skipped }, "access-log lines of no app (or unreadable) not counted");
      return counts.reduce((n, c) => n + c.requests, 0);
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "reading the ingress access log failed; trying again");
      return 0;
    }
  }
}
