// Samples every app container of this instance every few seconds: CPU, memory and network from
// the kernel (cgroup-stats.ts), the list of containers and their restarts from the engine
// (engine-containers.ts, one call), written as fine samples in one transaction per pass.
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
  /** monotonic clock in ms (tests) */
  now?: () => number;
}

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

  /** One pass; returns how many containers were sampled. */
  async sampleOnce(): Promise<number> {
    const list = await this.opts.list();
    const ts = floorTo(Date.now() / 1000, FINE_STEP_SECONDS);
    const samples: ContainerSample[] = [];
    const seen = new Set<string>();
    for (const c of list) {
      if (!c.running || !c.pid) continue;
      seen.add(c.id);
      let k = this.known.get(c.id);
      if (k && k.pid !== c.pid) k = undefined;
      const paths = k?.paths ?? cgroupPathsOf(c.pid);
      if (!paths) continue;
      const atMs = this.now();
      const counters = readCounters(c.pid, paths);
      if (!counters) continue;
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
    const restarts: AppCounts[] = [...this.restarts.observe(list)].map(([appId, n]) => ({ ts, appId, restarts: n, requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, hist: emptyHistogram() }));
    this.opts.store.writeContainers(samples);
    this.opts.store.addAppCounts(restarts);
    return samples.length;
  }
}
