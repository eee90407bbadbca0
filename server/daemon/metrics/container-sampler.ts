// Samples every app container of this instance every few seconds: CPU, memory and network from
// the kernel (cgroup-stats.ts), the list of containers and their restarts from the engine
// (engine-containers.ts, one call), written as fine samples in one transaction per pass.
//
// The engine is asked only when something changed: its list call costs the Podman service about
// 90 ms of CPU with 100 containers (bench/metrics-sampling.ts), which every 5 s alone would be
// ~1.8 % of a core. Between listings the sampler watches the cgroup directories its containers
// live in (one readdir): a container's cgroup appears when it starts and goes when it stops, so a
// new, stopped or restarted container shows there, and then the engine is listed again; so is it
// once a minute anyway, and whenever a container's counters could not be read.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../logger";
import { cgroupPathsOf, readCounters, type CgroupPaths, type ContainerCounters } from "./cgroup-stats";
import { cpuPercent, ratePerSecond } from "./counter-rate";
import type { SampledContainer } from "./engine-containers";
import type { AppCounts, ContainerSample, MetricsStore } from "./metrics-store";
import { emptyHistogram } from "./latency-histogram";
import { FINE_STEP_SECONDS, floorTo } from "./metric-steps";
import { RestartCounter } from "./restart-counter";

export interface ContainerSamplerOptions {
  store: MetricsStore;
  log: Logger;
  list: () => Promise<SampledContainer[]>;
  /** how often a pass runs; the fine tier's step */
  everyMs?: number;
  /** list the engine at least this often even when no cgroup changed */
  relistMs?: number;
  /** monotonic clock in ms (tests) */
  now?: () => number;
}

/**
 * Where Podman makes its containers' cgroups (cgroupfs manager: libpod_parent; systemd:
 * machine.slice), watched before any container of ours told us where they are.
 */
const DEFAULT_PARENTS = ["/sys/fs/cgroup/cpuacct/libpod_parent", "/sys/fs/cgroup/cpuacct/machine.slice", "/sys/fs/cgroup/libpod_parent", "/sys/fs/cgroup/machine.slice"];

/** libpod-<id> (cgroupfs manager) or libpod-<id>.scope (systemd manager). */
const CONTAINER_CGROUP = /^libpod-([0-9a-f]{64})(?:\.scope)?$/;

interface Known {
  pid: number;
  paths: CgroupPaths;
  atMs: number;
  counters: ContainerCounters;
}

export class ContainerSampler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly known = new Map<string, Known>();
  private readonly restarts = new RestartCounter();
  private readonly now: () => number;
  private listed: SampledContainer[] = [];
  private lastListAt = Number.NEGATIVE_INFINITY;
  private mustList = true;
  /** our running containers at the last listing */
  private runningIds = new Set<string>();
  /** container cgroups that were there at the last listing and are not ours */
  private foreign = new Set<string>();
  /** the cgroup directories our containers' cgroups are in (once one was seen) */
  private parents = new Set<string>(DEFAULT_PARENTS);
  /** how many times the engine was listed (the bench reports it) */
  listings = 0;

  constructor(private readonly opts: ContainerSamplerOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  start(): void {
    const every = this.opts.everyMs ?? FINE_STEP_SECONDS * 1000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sampleOnce();
    } catch (e) {
      this.opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "sampling container metrics failed; trying again next interval");
    } finally {
      this.running = false;
    }
  }

  /** Container ids with a cgroup now; null when none of the directories is there. */
  private presentIds(): Set<string> | null {
    const ids = new Set<string>();
    let readable = false;
    for (const dir of this.parents) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
        readable = true;
      } catch {
        // Not on this machine's layout (or not made yet): the other directories, or the engine, say.
        continue;
      }
      for (const e of entries) {
        const m = CONTAINER_CGROUP.exec(e);
        if (m) ids.add(m[1]!);
      }
    }
    return readable ? ids : null;
  }

  private changed(present: Set<string>): boolean {
    for (const id of present) if (!this.runningIds.has(id) && !this.foreign.has(id)) return true;
    for (const id of this.runningIds) if (!present.has(id)) return true;
    return false;
  }

  /** One pass; returns how many containers were sampled. */
  async sampleOnce(): Promise<number> {
    const present = this.presentIds();
    // Without a readable cgroup directory, changes show only at the next periodic listing.
    const listNow = this.mustList || this.now() - this.lastListAt >= (this.opts.relistMs ?? 60_000) || (present !== null && this.changed(present));
    let restarts: AppCounts[] = [];
    const ts = floorTo(Date.now() / 1000, FINE_STEP_SECONDS);
    if (listNow) {
      this.listed = await this.opts.list();
      this.listings++;
      this.lastListAt = this.now();
      this.mustList = false;
      this.runningIds = new Set(this.listed.filter((c) => c.running && c.pid).map((c) => c.id));
      restarts = [...this.restarts.observe(this.listed)].map(([appId, n]) => ({ ts, appId, restarts: n, requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, hist: emptyHistogram() }));
    }
    const list = this.listed;
    const samples: ContainerSample[] = [];
    const seen = new Set<string>();
    for (const c of list) {
      if (!c.running || !c.pid) continue;
      seen.add(c.id);
      let k = this.known.get(c.id);
      if (k && k.pid !== c.pid) k = undefined;
      const paths = k?.paths ?? cgroupPathsOf(c.pid);
      if (!paths) {
        this.mustList = true;
        continue;
      }
      const atMs = this.now();
      const counters = readCounters(c.pid, paths);
      if (!counters) {
        // Stopped or restarted since the listing (its process is gone): list again next time.
        this.mustList = true;
        continue;
      }
      this.known.set(c.id, { pid: c.pid, paths, atMs, counters });
      // The first reading of a run has nothing to take a rate against.
      if (!k) continue;
      const cpu = cpuPercent({ atMs: k.atMs, value: k.counters.cpuNs }, { atMs, value: counters.cpuNs });
      const rx = ratePerSecond({ atMs: k.atMs, value: k.counters.rxBytes }, { atMs, value: counters.rxBytes });
      const tx = ratePerSecond({ atMs: k.atMs, value: k.counters.txBytes }, { atMs, value: counters.txBytes });
      if (cpu === null) continue;
      samples.push({ ts, appId: c.appId, container: c.id, replica: c.name, cpuPercent: cpu, memoryBytes: counters.memoryBytes, rxBytesPerSec: rx ?? 0, txBytesPerSec: tx ?? 0 });
    }
    for (const id of this.known.keys()) if (!seen.has(id)) this.known.delete(id);
    if (listNow) {
      const seenParents = [...this.known.values()].map((k) => path.dirname(path.dirname(k.paths.cpuFile)));
      if (seenParents.length) this.parents = new Set(seenParents);
      this.foreign = new Set([...(this.presentIds() ?? [])].filter((id) => !this.runningIds.has(id)));
    }
    this.opts.store.writeContainers(samples);
    this.opts.store.addAppCounts(restarts);
    return samples.length;
  }
}
