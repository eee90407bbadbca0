// Metrics in slipwayd, started and stopped as one: the metrics file, the container sampler, the
// ingress access-log reader, the team usage sampler and the rollup job (every minute: folds
// finished 5-minute intervals and deletes what is past retention).
import type { Db } from "../../db";
import type { RouteTable } from "../ingress/route-table";
import type { Logger } from "../logger";
import { ContainerSampler } from "./container-sampler";
import { listInstanceContainers } from "./engine-containers";
import { HttpMetricsCollector } from "./http-metrics-collector";
import { metricsDbPath, openMetricsDb, type MetricsDb } from "./metrics-database";
import { runRollup } from "./metrics-rollup";
import { MetricsStore } from "./metrics-store";
import { TeamUsageSampler } from "./team-usage-sampler";

export interface MetricsServiceOptions {
  dataDir: string;
  db: Db;
  log: Logger;
  routes: RouteTable;
  instanceId: string;
  /** the Podman socket slipwayd runs; null with a remote engine (its counters are not readable here) */
  podmanSocket: string | null;
  /** Caddy's access log (caddy-paths.ts) */
  accessLog: string;
  /** a team's stored log bytes, when the log store is wired in */
  logBytes?: (teamId: string) => number | null;
}

const ROLLUP_EVERY_MS = 60_000;

export class MetricsService {
  readonly db: MetricsDb;
  readonly store: MetricsStore;
  private readonly parts: { start(): void; stop(): void }[] = [];
  private rollupTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: MetricsServiceOptions) {
    this.db = openMetricsDb(metricsDbPath(opts.dataDir));
    this.store = new MetricsStore(this.db);
    const log = opts.log.child({ component: "metrics" });
    const socket = opts.podmanSocket;
    if (socket) this.parts.push(new ContainerSampler({ store: this.store, log, list: () => listInstanceContainers(socket, opts.instanceId) }));
    this.parts.push(new HttpMetricsCollector({ store: this.store, routes: opts.routes, accessLog: opts.accessLog, log }));
    this.parts.push(new TeamUsageSampler({ db: opts.db, store: this.store, log, logBytes: opts.logBytes }));
  }

  get samplesContainers(): boolean {
    return this.opts.podmanSocket !== null;
  }

  start(): void {
    for (const p of this.parts) p.start();
    const rollup = () => {
      try {
        runRollup(this.db, Date.now() / 1000);
      } catch (e) {
        this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "metrics rollup failed; trying again in a minute");
      }
    };
    rollup();
    this.rollupTimer = setInterval(rollup, ROLLUP_EVERY_MS);
    this.rollupTimer.unref();
  }

  stop(): void {
    for (const p of this.parts) p.stop();
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    this.db.close();
  }
}
