import type { InvalidateQueryFilters, QueryClient } from "@tanstack/react-query";

/**
 * Re-reads queries after a change was written. A read already in flight may have started before
 * the change: `invalidateQueries` alone would reuse its promise when the query has no data yet
 * (TanStack dedupes a first fetch instead of cancelling it), and the old list would stay on screen
 * until the next refetch, which for a list without polling is never. So those reads are cancelled
 * first, then every matching query is refetched.
 */
export async function refreshQueries(qc: QueryClient, ...filters: InvalidateQueryFilters[]): Promise<void> {
  await Promise.all(filters.map((f) => qc.cancelQueries(f)));
  await Promise.all(filters.map((f) => qc.invalidateQueries(f)));
}
