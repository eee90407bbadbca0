// A LogStore in memory for the collector's and the live tail's unit tests only (integration tests
// use the real store, server/daemon/logs/log-store.ts). Appends are atomic like the real one's.
import type { LogLineInput, LogSearchPage, LogSearchQuery, LogStore, SourceCursor, StoredLogLine, TeamLogUsage } from "@/server/daemon/logs/log-store-types";

export class MemoryLogStore implements LogStore {
  lines: StoredLogLine[] = [];
  cursors = new Map<string, SourceCursor>();
  private seq = 0;
  appends = 0;

  append(lines: readonly LogLineInput[], cursors: readonly SourceCursor[]): StoredLogLine[] {
    this.appends++;
    const stored = lines.map((l) => ({ ...l, seq: ++this.seq }));
    for (const l of stored) this.lines.push(l);
    for (const c of cursors) this.cursors.set(c.source, { ...c });
    return stored;
  }
  cursor(source: string): SourceCursor | null {
    return this.cursors.get(source) ?? null;
  }
  openCursors(): SourceCursor[] {
    return [...this.cursors.values()].filter((c) => !c.finished);
  }
  after(appId: string, afterSeq: number, limit: number, releaseId?: string): StoredLogLine[] {
    // Lines are in seq order: start at the first one past afterSeq.
    let lo = 0;
    let hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.lines[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredLogLine[] = [];
    for (let i = lo; i < this.lines.length && out.length < limit; i++) {
      const l = this.lines[i]!;
      if (l.appId === appId && (!releaseId || l.releaseId === releaseId)) out.push(l);
    }
    return out;
  }
  tail(appId: string, count: number, releaseId?: string): StoredLogLine[] {
    const all = this.lines.filter((l) => l.appId === appId && (!releaseId || l.releaseId === releaseId));
    return all.slice(Math.max(0, all.length - count));
  }
  search(q: LogSearchQuery): LogSearchPage {
    const hits = this.lines
      .filter((l) => l.appId === q.appId && l.time >= q.from && l.time <= q.to && (!q.text || l.line.toLowerCase().includes(q.text.toLowerCase())) && (!q.before || l.seq < q.before))
      .reverse();
    const page = hits.slice(0, q.limit);
    return { lines: page, nextBefore: hits.length > q.limit ? page[page.length - 1]!.seq : null, bounded: false };
  }
  applyRetention(): { lines: number; bytes: number } {
    return { lines: 0, bytes: 0 };
  }
  teamUsage(teamId: string): TeamLogUsage {
    const mine = this.lines.filter((l) => l.teamId === teamId);
    return { bytes: mine.reduce((n, l) => n + l.line.length, 0), lines: mine.length, oldest: mine[0]?.time ?? null };
  }
  deleteApp(appId: string): number {
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => l.appId !== appId);
    return before - this.lines.length;
  }
  close(): void {}
}
