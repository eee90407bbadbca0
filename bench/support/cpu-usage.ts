// Where the CPU goes during a benchmark phase: CPU seconds of single processes (/proc/<pid>/stat),
// of a container (its cgroup v1 cpuacct usage and CFS throttling), and of the whole machine
// (/proc/stat), so a ratio can be read together with what limited each side.
import { readFileSync } from "node:fs";
import os from "node:os";

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

/** User + system CPU seconds of a process, all its threads included; NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    // The process exited: its time can no longer be read.
    return Number.NaN;
  }
}

/** Busy and total CPU seconds of the whole machine, summed over its cores. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

export interface CgroupCpu {
  seconds: number;
  /** CFS periods in which the cgroup had runnable work, and those in which its quota ran out */
  periods: number;
  throttled: number;
}

function cgroupPath(pid: number, controller: string): string | null {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n")) {
    const [, controllers, p] = line.split(":");
    if (controllers?.split(",").includes(controller) && p) return p;
  }
  return null;
}

/**
 * A reader of the CPU use of the cgroup a process (a container's init) runs in. cgroup v1 (this
 * machine's Podman layout): cpuacct.usage and cpu.stat; on cgroup v2, cpu.stat of the unified tree.
 */
export function cgroupCpuReader(pid: number): () => CgroupCpu {
  const v1Acct = cgroupPath(pid, "cpuacct");
  const v1Cpu = cgroupPath(pid, "cpu");
  const stat = (file: string) =>
    Object.fromEntries(
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" "))
        .map(([k, v]) => [k, Number(v)]),
    ) as Record<string, number>;
  if (v1Acct && v1Cpu) {
    return () => {
      const s = stat(`/sys/fs/cgroup/cpu${v1Cpu}/cpu.stat`);
      return { seconds: Number(readFileSync(`/sys/fs/cgroup/cpuacct${v1Acct}/cpuacct.usage`, "utf8")) / 1e9, periods: s.nr_periods ?? 0, throttled: s.nr_throttled ?? 0 };
    };
  }
  const unified = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n").find((l) => l.startsWith("0::"))?.slice(3);
  if (!unified) throw new Error(`no cpu cgroup for pid ${pid}`);
  return () => {
    const s = stat(`/sys/fs/cgroup${unified}/cpu.stat`);
    return { seconds: (s.usage_usec ?? 0) / 1e6, periods: s.nr_periods ?? 0, throttled: s.nr_throttled ?? 0 };
  };
}

export const CORES = os.cpus().length;
