// Caddy access-log lines → per-app HTTP counts of each 5-second interval: requests, status
// classes and the latency histogram. The app is found from the request's Host (its route: the
// app's hostname or one of its custom domains); requests to hosts of no app are not counted.
import { addLatency, emptyHistogram } from "./latency-histogram";
import type { AppCounts } from "./metrics-store";
import { FINE_STEP_SECONDS, floorTo } from "./metric-steps";

interface AccessLine {
  ts?: number;
  status?: number;
  /** seconds (Caddy's default duration format) */
  duration?: number;
  request?: { host?: string };
}

/** "Web.Shop.T.localhost:8080" → "web.shop.t.localhost" */
export function normalHost(host: string): string {
  return host.trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
}

export function countAccessLines(lines: readonly string[], appOfHost: (host: string) => string | undefined): { counts: AppCounts[]; skipped: number } {
  const byKey = new Map<string, AppCounts>();
  let skipped = 0;
  for (const line of lines) {
    let e: AccessLine;
    try {
      e = JSON.parse(line) as AccessLine;
    } catch {
      // A line cut by a crash of Caddy mid-write: counted as skipped, nothing else to do with it.
      skipped++;
      continue;
    }
    const appId = e.request?.host ? appOfHost(normalHost(e.request.host)) : undefined;
    if (!appId || typeof e.ts !== "number" || typeof e.status !== "number") {
      skipped++;
      continue;
    }
    const ts = floorTo(e.ts, FINE_STEP_SECONDS);
    const key = `${appId}\u0000${ts}`;
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { ts, appId, restarts: 0, requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, hist: emptyHistogram() }));
    c.requests++;
    const cls = Math.floor(e.status / 100);
    if (cls === 2) c.s2xx++;
    else if (cls === 3) c.s3xx++;
    else if (cls === 4) c.s4xx++;
    else if (cls === 5) c.s5xx++;
    addLatency(c.hist, (e.duration ?? 0) * 1000);
  }
  return { counts: [...byKey.values()], skipped };
}
