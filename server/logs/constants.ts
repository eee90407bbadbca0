// Caps and names of the kept runtime logs, shared by the zod schemas (schemas.ts) and the log view.
// Import-free so client components can take them without pulling zod in (see server/teams/constants.ts).

/** Widest time range one search or download may cover. */
export const MAX_LOG_RANGE_DAYS = 31;
/** Largest page of a search. */
export const MAX_LOG_PAGE = 500;
/** Lines of the live view's first screen, at most. */
export const MAX_LOG_TAIL = 5000;
/** Lines one download returns at most (narrow the range for more). */
export const MAX_LOG_DOWNLOAD_LINES = 1_000_000;

export const logStreamNames = ["stdout", "stderr"] as const;
