// What is mounted where, from the kernel's own table (/proc/self/mountinfo), not from slipwayd's
// memory: a slipwayd killed with -9 leaves its loop mounts in place, and the next one must see
// them rather than mount a volume twice.
import { readFile } from "node:fs/promises";

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** e.g. /dev/loop3 */
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses mountinfo text (proc(5)): fields before " - " then fs type, source, super options. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const l = left.split(" ");
    const r = right.split(" ");
    if (l.length < 5 || r.length < 2) continue;
    entries.push({ mountPoint: unescape(l[4]!), fsType: r[0]!, source: unescape(r[1]!) });
  }
  return entries;
}

export async function readMountTable(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile("/proc/self/mountinfo", "utf8"));
}

/** The topmost mount at `mountPoint`, or null (mounted twice: the later entry is the one seen). */
export function mountAt(table: MountEntry[], mountPoint: string): MountEntry | null {
  let found: MountEntry | null = null;
  for (const e of table) if (e.mountPoint === mountPoint) found = e;
  return found;
}
