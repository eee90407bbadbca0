// The contract of slipwayd's log store (log-store.ts implements it): what the collectors write,
// what the API reads. Runtime logs of every app, across releases and replicas, kept per team.
export type LogStreamName = "stdout" | "stderr";

/** One line as a collector hands it over. */
export interface LogLineInput {
  teamId: string;
  appId: string;
  /** the release whose container printed it (null when the container carries none) */
  releaseId: string | null;
  /** the container (embedded) or pod (cluster) name */
  replica: string;
  stream: LogStreamName;
  /** when the engine stamped it, epoch milliseconds */
  time: number;
  line: string;
}

/** A stored line: `seq` orders every line of the store (an app's lines ascend with it). */
export interface StoredLogLine extends LogLineInput {
  seq: number;
}

/**
 * Where one source's collection stopped (a container's log file, a pod's stream). It is saved in
 * the same transaction as the lines it covers, so a restart resumes exactly there: no gap, no
 * line twice. `position` is the collector's own (opaque to the store).
 */
export interface SourceCursor {
  /** e.g. "podman:<containerId>", "k8s:<cluster>/<namespace>/<pod>/<container>" */
  source: string;
  appId: string;
  position: string;
  /** the source ended (container exited and every line was read): not followed again */
  finished: boolean;
}

export interface LogSearchQuery {
  appId: string;
  /** substring to find (case-insensitive); absent = every line */
  text?: string;
  /** inclusive time range, epoch ms (the caller caps its width) */
  from: number;
  to: number;
  releaseId?: string;
  replica?: string;
  stream?: LogStreamName;
  /** paging: only lines with seq < before (the previous page's nextBefore) */
  before?: number;
  /** page size (the caller caps it) */
  limit: number;
}

/** Newest first. */
export interface LogSearchPage {
  lines: StoredLogLine[];
  /** pass as `before` for the next, older page; null when nothing older matches in the range */
  nextBefore: number | null;
  /** the search stopped at its work bound before filling the page: ask again with nextBefore */
  bounded: boolean;
}

export interface TeamLogRetention {
  teamId: string;
  maxAgeDays: number;
  maxBytes: number;
}

export interface TeamLogUsage {
  bytes: number;
  lines: number;
  /** epoch ms of the oldest kept line, null when none */
  oldest: number | null;
}

export interface LogStore {
  /** Stores lines (assigning seq, in the given order) and cursors in one transaction. */
  append(lines: readonly LogLineInput[], cursors: readonly SourceCursor[]): StoredLogLine[];
  cursor(source: string): SourceCursor | null;
  /** Sources not finished (to resume after a restart). */
  openCursors(): SourceCursor[];
  /** An app's lines with seq > afterSeq, oldest first, at most `limit`; releaseId narrows. */
  after(appId: string, afterSeq: number, limit: number, releaseId?: string): StoredLogLine[];
  /** An app's newest `count` lines, oldest first (the live view's first screen). */
  tail(appId: string, count: number, releaseId?: string): StoredLogLine[];
  search(query: LogSearchQuery): LogSearchPage;
  /** Deletes lines past each team's age, then the oldest beyond its size cap; returns what went. */
  applyRetention(policies: readonly TeamLogRetention[], now: number): { lines: number; bytes: number };
  teamUsage(teamId: string): TeamLogUsage;
  /** Every line of an app (its deletion); returns how many went. */
  deleteApp(appId: string): number;
  close(): void;
}
