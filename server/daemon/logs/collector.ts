// Collects the runtime logs of this instance's app containers (embedded runtime) into the log
// store. Every managed container, running or exited, is followed from its k8s-file log file
// (collector-file-follower.ts), resuming at the cursor saved with its last stored lines. A cheap
// listing every second finds new containers and the ones that went; a container about to be
// removed is drained first (drain(), awaited by the embedded runtime), so a crashed release's last
// lines are kept after its containers are gone.
//
// Not covered: an engine slipwayd cannot read the files of (DOCKER_HOST to a remote engine), or a
// log driver other than k8s-file: such containers are reported once and not collected.
import type { Db } from "../../db";
import type { Engine, ManagedContainer } from "../engine/engine";
import { LABEL } from "../engine/container-spec";
import type { Logger } from "../logger";
import type { LogBus } from "./log-bus";
import type { LogStore } from "./log-store-types";
import { FileFollower, type FollowedContainer } from "./collector-file-follower";

export interface EmbeddedLogCollectorOptions {
  store: LogStore;
  bus: LogBus;
  engine: Engine;
  db: Db;
  instanceId: string;
  log: Logger;
  /**
   * How often the engine is asked for the containers (new ones, gone ones). A safety net: the
   * embedded runtime hands over each container it starts (follow()) and drains each one it removes,
   * and Podman's list call costs it about 0.09 s of CPU per 100 containers (bench/metrics-sampling.ts),
   * so asking every second would cost ~9 % of a core per 100 containers for nothing.
   */
  discoverEveryMs?: number;
  /** fallback read interval of a followed file, should a watch event be missed */
  pollMs?: number;
  chunkBytes?: number;
}

const SOURCE_PREFIX = "podman:";
/** conmon may still write a stopped container's last records just after the stop returns */
const DRAIN_SETTLE_MS = 100;

export const containerSource = (containerId: string) => `${SOURCE_PREFIX}${containerId}`;

export class EmbeddedLogCollector {
  private readonly followers = new Map<string, FileFollower>();
  /** containers being set up (inspect, open): a second discovery or a drain waits for it */
  private readonly starting = new Map<string, Promise<FileFollower | null>>();
  /** containers not to follow: finished cursor, unreadable file, app unknown (told once) */
  private readonly skipped = new Set<string>();
  /** apps being deleted: their containers are not followed any more */
  private readonly goneApps = new Set<string>();
  private readonly teamOf = new Map<string, string | null>();
  private timer: NodeJS.Timeout | null = null;
  private discovering: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: EmbeddedLogCollectorOptions) {}

  /** Resumes every source from its cursor and starts following; resolves after the first discovery. */
  async start(): Promise<void> {
    const pass = () =>
      this.discover().catch((e: unknown) => this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "log collection: listing containers failed"));
    this.timer = setInterval(() => void pass(), this.opts.discoverEveryMs ?? 10_000);
    this.timer.unref();
    await pass();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.discovering;
    await Promise.all([...this.followers.values()].map((f) => f.close()));
    this.followers.clear();
  }

  /**
   * Every line the container wrote so far is stored when this resolves. The embedded runtime awaits
   * it between stopping a container and removing it (removal deletes the log file).
   */
  async drain(containerId: string): Promise<void> {
    const f = this.followers.get(containerId) ?? (await this.startFollower(containerId, null));
    if (!f) return;
    await f.flush();
    await new Promise((r) => setTimeout(r, DRAIN_SETTLE_MS));
    await f.flush();
  }

  /** A container the embedded runtime just started: followed now, not at the next listing. */
  follow(containerId: string): void {
    if (this.stopped || this.followers.has(containerId) || this.skipped.has(containerId)) return;
    this.startFollower(containerId, null).catch((e: unknown) =>
      this.opts.log.warn({ container: containerId, err: e instanceof Error ? e.message : String(e) }, "log collection: following a started container failed; the next listing tries again"),
    );
  }

  /** The app is being deleted: its containers are no longer followed (its lines are deleted next). */
  async forgetApp(appId: string): Promise<void> {
    this.goneApps.add(appId);
    await this.discovering;
    const mine = [...this.followers.values()].filter((f) => f.container.appId === appId);
    for (const f of mine) {
      this.followers.delete(this.idOf(f));
      await f.close();
      this.opts.store.append([], [{ source: f.container.source, appId, position: "{}", finished: true }]);
    }
  }

  /** Finds new containers and gone ones. One at a time; a call during one waits for it. */
  discover(): Promise<void> {
    if (!this.discovering) {
      this.discovering = this.discoverOnce().finally(() => {
        this.discovering = null;
      });
    }
    return this.discovering;
  }

  private idOf(f: FileFollower): string {
    return f.container.source.slice(SOURCE_PREFIX.length);
  }

  private async discoverOnce(): Promise<void> {
    if (this.stopped) return;
    const { engine, instanceId, store, log } = this.opts;
    const containers = await engine.listManaged({ instance: instanceId });
    const present = new Set(containers.map((c) => c.id));
    for (const c of containers) {
      if (this.followers.has(c.id) || this.skipped.has(c.id) || this.goneApps.has(c.appId)) continue;
      await this.startFollower(c.id, c);
    }
    // Gone from the engine: the open file still holds the lines written before its removal.
    for (const [id, f] of this.followers) {
      if (present.has(id)) continue;
      this.followers.delete(id);
      await f.finish();
    }
    // Sources of containers removed while slipwayd was down: nothing more can be read from them.
    for (const cursor of store.openCursors()) {
      if (!cursor.source.startsWith(SOURCE_PREFIX)) continue;
      const id = cursor.source.slice(SOURCE_PREFIX.length);
      if (present.has(id) || this.followers.has(id) || this.starting.has(id)) continue;
      log.warn({ source: cursor.source, appId: cursor.appId }, "container was removed while slipwayd was not collecting: lines it wrote after the cursor are lost");
      store.append([], [{ ...cursor, finished: true }]);
    }
  }

  private startFollower(id: string, listed: ManagedContainer | null): Promise<FileFollower | null> {
    let p = this.starting.get(id);
    if (!p) {
      p = this.makeFollower(id, listed).finally(() => this.starting.delete(id));
      this.starting.set(id, p);
    }
    return p;
  }

  private async makeFollower(id: string, listed: ManagedContainer | null): Promise<FileFollower | null> {
    const { store, engine, log } = this.opts;
    const existing = this.followers.get(id);
    if (existing) return existing;
    const source = containerSource(id);
    if (store.cursor(source)?.finished) {
      this.skipped.add(id);
      return null;
    }
    const info = await engine.inspect(id);
    const labels = info.Config.Labels ?? {};
    const appId = listed?.appId ?? labels[LABEL.app] ?? "";
    if (!appId || this.goneApps.has(appId)) return null;
    // Podman's Docker-compatible API names its k8s-file driver "json-file" (its alias for it) and
    // gives the file as LogPath; a Docker engine's real json-file is told apart by its content
    // (collector-file-follower.ts).
    const logConfig = (info.HostConfig as { LogConfig?: { Type?: string; Path?: string } }).LogConfig;
    const path = (info as { LogPath?: string }).LogPath || logConfig?.Path || "";
    if (!path || (logConfig?.Type && logConfig.Type !== "k8s-file" && logConfig.Type !== "json-file")) {
      log.warn({ container: id, driver: logConfig?.Type ?? null }, "container does not log to a k8s-file this daemon can read; its lines are not collected");
      this.skipped.add(id);
      return null;
    }
    const teamId = await this.teamIdOf(appId);
    // An app the database does not know (being deleted, or not committed yet): asked again at the
    // next discovery; lines wait in the file meanwhile.
    if (!teamId) return null;
    const container: FollowedContainer = {
      source,
      path,
      teamId,
      appId,
      releaseId: (listed?.releaseId ?? labels[LABEL.release]) || null,
      replica: listed?.name ?? info.Name.replace(/^\//, ""),
    };
    const f = new FileFollower(container, { store, bus: this.opts.bus, log, chunkBytes: this.opts.chunkBytes ?? 64 * 1024, pollMs: this.opts.pollMs ?? 1000 });
    if (!(await f.start())) {
      this.skipped.add(id);
      return null;
    }
    if (this.stopped) {
      await f.close();
      return null;
    }
    this.followers.set(id, f);
    return f;
  }

  private async teamIdOf(appId: string): Promise<string | null> {
    if (this.teamOf.has(appId)) return this.teamOf.get(appId)!;
    const app = await this.opts.db.app.findUnique({ where: { id: appId }, select: { teamId: true } });
    const teamId = app?.teamId ?? null;
    // An unknown app is asked again next time (the row may be committed a moment later).
    if (teamId) this.teamOf.set(appId, teamId);
    return teamId;
  }
}
