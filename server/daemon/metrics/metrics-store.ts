// Writes and reads of the metrics file. Fine samples are written as they are taken; HTTP counts
// add up into their 5-second row (access-log lines of one interval arrive over several reads).
import type { FollowPosition } from "./access-log-follower";
import type { MetricsDb } from "./metrics-database";
import { HIST_COLUMNS, TIER_FINE } from "./metrics-database";

export interface ContainerSample {
  ts: number;
  appId: string;
  container: string;
  replica: string;
  cpuPercent: number;
  memoryBytes: number;
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

export interface AppCounts {
  ts: number;
  appId: string;
  restarts: number;
  requests: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  /** LATENCY_BUCKETS counts */
  hist: number[];
}

export interface TeamSample {
  ts: number;
  teamId: string;
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  apps: number;
  logBytes: number | null;
}

export class MetricsStore {
  private readonly insContainer;
  private readonly addApp;
  private readonly insTeam;
  private readonly saveCursor;

  constructor(readonly db: MetricsDb) {
    this.insContainer = db.prepare(
      `INSERT OR REPLACE INTO container_samples (tier, ts, app_id, container, replica, n, cpu_sum, mem_sum, rx_sum, tx_sum)
       VALUES (${TIER_FINE}, @ts, @appId, @container, @replica, 1, @cpuPercent, @memoryBytes, @rxBytesPerSec, @txBytesPerSec)`,
    );
    const counts = ["restarts", "requests", "s2xx", "s3xx", "s4xx", "s5xx", ...HIST_COLUMNS];
    this.addApp = db.prepare(
      `INSERT INTO app_samples (tier, ts, app_id, ${counts.join(", ")}) VALUES (${TIER_FINE}, ?, ?, ${counts.map(() => "?").join(", ")})
       ON CONFLICT (tier, app_id, ts) DO UPDATE SET ${counts.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`,
    );
    this.saveCursor = db.prepare("INSERT INTO access_log_cursor (id, ino, offset) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET ino = excluded.ino, offset = excluded.offset");
    this.insTeam = db.prepare(
      `INSERT OR REPLACE INTO team_samples (tier, ts, team_id, n, cpu_sum, mem_sum, storage_sum, apps_sum, log_n, log_sum)
       VALUES (${TIER_FINE}, @ts, @teamId, 1, @cpuMillicores, @memoryMib, @storageGib, @apps, @logN, @logSum)`,
    );
  }

  /** One transaction for a whole sampling pass. */
  writeContainers(samples: readonly ContainerSample[]): void {
    if (!samples.length) return;
    this.db.transaction(() => {
      for (const s of samples) this.insContainer.run(s);
    })();
  }

  /**
   * Adds to each app's fine row of that interval. With `cursor`, the access log's position after
   * the lines these counts came from is saved in the same transaction: a restart neither counts a
   * line twice nor skips one.
   */
  addAppCounts(rows: readonly AppCounts[], cursor?: FollowPosition): void {
    if (!rows.length && !cursor) return;
    this.db.transaction(() => {
      for (const r of rows) this.addApp.run(r.ts, r.appId, r.restarts, r.requests, r.s2xx, r.s3xx, r.s4xx, r.s5xx, ...r.hist);
      if (cursor) this.saveCursor.run(cursor.ino, cursor.offset);
    })();
  }

  accessLogCursor(): FollowPosition | null {
    return (this.db.prepare("SELECT ino, offset FROM access_log_cursor WHERE id = 1").get() as FollowPosition | undefined) ?? null;
  }

  writeTeams(samples: readonly TeamSample[]): void {
    if (!samples.length) return;
    this.db.transaction(() => {
      for (const s of samples) this.insTeam.run({ ...s, logN: s.logBytes === null ? 0 : 1, logSum: s.logBytes ?? 0 });
    })();
  }

  deleteApp(appId: string): void {
    this.db.prepare("DELETE FROM container_samples WHERE app_id = ?").run(appId);
    this.db.prepare("DELETE FROM app_samples WHERE app_id = ?").run(appId);
  }
}
