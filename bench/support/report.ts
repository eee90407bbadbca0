// Small, dependency-free helpers every benchmark prints with: percentiles, a plain text table,
// peak memory of a process, and a note about how busy the machine was.
import { readFileSync } from "node:fs";
import os from "node:os";

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : "n/a");

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** VmHWM (peak resident set) and VmRSS of a live process, in MiB, from /proc/<pid>/status. */
export function processMemory(pid: number): { peakMiB: number; rssMiB: number; command: string } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  return { peakMiB: kb("VmHWM") / 1024, rssMiB: kb("VmRSS") / 1024, command };
}

export function loadNote(): string {
  const [one, five] = os.loadavg();
  return `load average ${fmt(one ?? 0)} (1 min) / ${fmt(five ?? 0)} (5 min) on ${os.cpus().length} cores`;
}
