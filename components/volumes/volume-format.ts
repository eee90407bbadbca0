// How volumes, backups and restores read on the page: sizes in binary units (a volume's size is
// GiB), times in UTC so the server render and the browser agree.
import type { OperationStatus } from "@/server/volumes/schemas";

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function formatUtc(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "—";
}

export const isActive = (status: OperationStatus) => status === "QUEUED" || status === "RUNNING";

/** Percent done (null when the total is not known yet). */
export function percentDone(done: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.round((done / total) * 100));
}
