// Inputs (zod) and DTOs of the kept runtime logs: live tail, search, download, retention. Client
// code imports the types with `import type`; the caps are in constants.ts (no zod in client bundles).
import { z } from "zod";
import { MAX_LOG_PAGE, MAX_LOG_TAIL, logStreamNames } from "./constants";

export { MAX_LOG_DOWNLOAD_LINES, MAX_LOG_PAGE, MAX_LOG_RANGE_DAYS, MAX_LOG_TAIL, logStreamNames } from "./constants";

export interface LogLineDto {
  /** the line's place in the store: SSE event id, line links (#L<seq>), paging */
  seq: number;
  time: string;
  stream: (typeof logStreamNames)[number];
  replica: string;
  releaseId: string | null;
  line: string;
}

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not an id");
const isoOrEpoch = z.union([z.coerce.number().int().nonnegative(), z.string().datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** Filters shared by search and download (query string). */
export const logFilterQuery = z.object({
  q: z.string().max(200).optional(),
  from: isoOrEpoch.optional(),
  to: isoOrEpoch.optional(),
  release: id.optional(),
  replica: z.string().regex(/^[A-Za-z0-9_.-]{1,253}$/, "is not a replica name").optional(),
  stream: z.enum(logStreamNames).optional(),
});

export const logSearchQuery = logFilterQuery.extend({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).default(100),
});
export type LogSearchQueryInput = z.input<typeof logSearchQuery>;

export const logDownloadQuery = logFilterQuery.extend({ format: z.enum(["text", "ndjson"]).default("text") });

export const liveLogQuery = z.object({
  tail: z.coerce.number().int().min(0).max(MAX_LOG_TAIL).default(200),
  release: id.optional(),
  /** resume after this seq (what EventSource sends as Last-Event-ID; also accepted as ?after=) */
  after: z.coerce.number().int().nonnegative().optional(),
});

export interface LogSearchPageDto {
  lines: LogLineDto[];
  /** `before` for the next, older page; null when the range has nothing older */
  nextBefore: number | null;
  /** the search stopped at its work bound before filling the page (ask again with nextBefore) */
  bounded: boolean;
  /** the range actually searched (a missing or too-wide range is narrowed, and says so) */
  from: string;
  to: string;
  /** set when the request was narrowed: what was done and why */
  notice: string | null;
}

export interface LogRetentionDto {
  days: number;
  maxMib: number;
  platformMaxDays: number;
  platformMaxMib: number;
  /** what the team's kept logs take now (null when slipwayd did not answer) */
  usage: { bytes: number; lines: number; oldest: string | null } | null;
}

export const logRetentionInput = z
  .object({
    days: z.number().int().min(1, "at least 1 day"),
    maxMib: z.number().int().min(1, "at least 1 MiB"),
  })
  .partial()
  .strict();
export type LogRetentionInput = z.input<typeof logRetentionInput>;
