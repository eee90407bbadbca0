// How figures read on the charts and in their text summaries.
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatNumber(n: number, digits = 1): string {
  if (n === 0) return "0";
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return n.toFixed(Math.abs(n) < 1 ? Math.max(digits, 2) : digits);
}

/** Axis ticks: the time of day for ranges within a day, the date beyond. */
export function formatTick(ms: number, withDate: boolean): string {
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, "0");
  return withDate ? `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}h` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The newest value that is not missing, and the largest in the series. */
export function latestAndPeak<T>(points: T[], pick: (p: T) => number | null): { latest: number | null; peak: number | null } {
  let latest: number | null = null;
  let peak: number | null = null;
  for (const p of points) {
    const v = pick(p);
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    latest = v;
    peak = peak === null ? v : Math.max(peak, v);
  }
  return { latest, peak };
}
