// Applies the route table to Caddy: each change is rendered to Caddy's JSON config and POSTed to
// /load only when it differs from the last config Caddy took. Pushes run one at a time; a failed
// push is retried with backoff (the latest table wins, intermediate ones are skipped), so a
// restarting Caddy costs a delay, never a lost change.
import type { Logger } from "../logger";
import { renderCaddyConfig, type CaddyConfigOptions } from "./caddy-config";
import { loadConfig } from "./caddy-admin";
import type { Route, RouteSink } from "./route-table";

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5000;

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export class CaddyRoutePusher {
  private version = 0;
  private desired: { json: string; version: number; routes: number } | null = null;
  /** the config Caddy is known to run; null = unknown (just started, or Caddy was restarted) */
  private appliedJson: string | null = null;
  private appliedVersion = 0;
  private waiters: Waiter[] = [];
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly opts: {
      config: CaddyConfigOptions;
      log: Logger;
      /** POSTs a config to Caddy (tests may stand in) */
      load?: (json: string) => Promise<void>;
    },
  ) {}

  /** The RouteTable's sink. */
  readonly sink: RouteSink = (routes, mustApplyWithinMs) => this.update(routes, mustApplyWithinMs);

  update(routes: Route[], mustApplyWithinMs?: number): Promise<void> {
    const json = JSON.stringify(renderCaddyConfig(routes, this.opts.config));
    const version = ++this.version;
    this.desired = { json, version, routes: routes.length };
    const done = new Promise<void>((resolve, reject) => {
      const w: Waiter = { version, resolve, reject };
      if (mustApplyWithinMs !== undefined) {
        w.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new Error(`the ingress proxy did not take the new routes within ${mustApplyWithinMs} ms`));
        }, mustApplyWithinMs);
      }
      this.waiters.push(w);
    });
    this.settleIfCurrent();
    this.kick();
    return done;
  }

  /** Caddy was (re)started: what it runs is unknown, so the current table is pushed again. */
  invalidate(): void {
    this.appliedJson = null;
    this.kick();
  }

  /** Resolves once the latest table is applied, or false after timeoutMs. */
  async settled(timeoutMs: number): Promise<boolean> {
    if (!this.desired) return true;
    let timer: NodeJS.Timeout | undefined;
    const applied = new Promise<boolean>((resolve) => {
      this.waiters.push({ version: this.desired!.version, resolve: () => resolve(true), reject: () => resolve(false) });
    });
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    this.settleIfCurrent();
    this.kick();
    const ok = await Promise.race([applied, timeout]);
    clearTimeout(timer);
    return ok;
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private kick(): void {
    this.wake?.();
    if (this.loop) return;
    this.loop = this.run().finally(() => {
      this.loop = null;
      // A change that arrived as the loop was ending.
      if (!this.closed && this.desired && this.desired.json !== this.appliedJson) this.kick();
    });
  }

  private settleIfCurrent(): void {
    if (this.desired && this.desired.json === this.appliedJson) this.appliedVersion = this.desired.version;
    const done = this.waiters.filter((w) => w.version <= this.appliedVersion);
    if (!done.length) return;
    this.waiters = this.waiters.filter((w) => w.version > this.appliedVersion);
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private async run(): Promise<void> {
    const load = this.opts.load;
    let delay = BACKOFF_MIN_MS;
    let attempt = 0;
    while (!this.closed && this.desired && this.desired.json !== this.appliedJson) {
      const { json, version, routes } = this.desired;
      attempt++;
      const started = Date.now();
      try {
        if (!load) throw new Error("no admin socket");
        await load(json);
        this.appliedJson = json;
        this.appliedVersion = Math.max(this.appliedVersion, version);
        this.opts.log.info({ routes, bytes: json.length, ms: Date.now() - started, attempt }, "ingress routes applied");
        delay = BACKOFF_MIN_MS;
        attempt = 0;
        this.settleIfCurrent();
      } catch (e) {
        this.opts.log.warn(
          { routes, attempt, retryInMs: delay, err: e instanceof Error ? e.message : String(e) },
          "applying ingress routes to caddy failed; retrying",
        );
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
      }
    }
  }
}

/** A pusher bound to the admin socket. */
export function caddyRoutePusher(adminSocket: string, config: CaddyConfigOptions, log: Logger): CaddyRoutePusher {
  return new CaddyRoutePusher({ config, log, load: (json) => loadConfig(adminSocket, json) });
}
