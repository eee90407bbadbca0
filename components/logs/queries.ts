import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { LogRetentionDto, LogRetentionInput, LogSearchPageDto } from "@/server/logs/schemas";
import type { logStreamNames } from "@/server/logs/constants";

/** What a search (and its download) is narrowed by; times are epoch ms, fixed when the search is asked. */
export interface LogFilters {
  q?: string;
  from?: number;
  to?: number;
  release?: string;
  replica?: string;
  stream?: (typeof logStreamNames)[number];
}

/** A search that opens on one line (a line link): that line first, then what came before it. */
export interface LogSearch {
  filters: LogFilters;
  aroundSeq?: number;
}

export const logKeys = {
  search: (appId: string, search: LogSearch) => ["apps", appId, "logs", "search", search] as const,
};

/** The filters as a query string, as search and download both take them. */
export function logFilterParams(filters: LogFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (filters.q) p.set("q", filters.q);
  if (filters.from !== undefined) p.set("from", String(filters.from));
  if (filters.to !== undefined) p.set("to", String(filters.to));
  if (filters.release) p.set("release", filters.release);
  if (filters.replica) p.set("replica", filters.replica);
  if (filters.stream) p.set("stream", filters.stream);
  return p;
}

export function logDownloadUrl(appId: string, filters: LogFilters, format: "text" | "ndjson"): string {
  const p = logFilterParams(filters);
  p.set("format", format);
  return `/api/v1/apps/${appId}/logs/download?${p.toString()}`;
}

/** The live tail: the newest `tail` lines first, or every line after `after` (a resume). */
export function liveLogUrl(appId: string, o: { releaseId: string | null; tail: number; after: number | null }): string {
  const p = new URLSearchParams();
  if (o.after !== null) p.set("after", String(o.after));
  else p.set("tail", String(o.tail));
  if (o.releaseId) p.set("release", o.releaseId);
  return `/api/v1/apps/${appId}/logs?${p.toString()}`;
}

const PAGE = 100;

/** Pages of a search, newest first; the next page is the one before the last page's `nextBefore`. */
export const logSearchQuery = (appId: string, search: LogSearch) =>
  infiniteQueryOptions({
    queryKey: logKeys.search(appId, search),
    queryFn: ({ pageParam }) => {
      const p = logFilterParams(search.filters);
      p.set("limit", String(PAGE));
      if (pageParam !== undefined) p.set("before", String(pageParam));
      return api<LogSearchPageDto>(`/api/v1/apps/${appId}/logs/search?${p.toString()}`);
    },
    initialPageParam: search.aroundSeq !== undefined ? search.aroundSeq + 1 : (undefined as number | undefined),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // A search is asked for a fixed range: its pages do not change under the reader.
    staleTime: Infinity,
  });

export const useLogSearch = (appId: string, search: LogSearch | null) =>
  useInfiniteQuery({ ...logSearchQuery(appId, search ?? { filters: {} }), enabled: search !== null });

export const logRetentionKeys = { one: ["team", "log-retention"] as const };

export const logRetentionQuery = () => queryOptions({ queryKey: logRetentionKeys.one, queryFn: () => api<LogRetentionDto>("/api/v1/team/log-retention") });
/** The usage part changes as lines arrive: read again every 30 s. */
export const useLogRetention = () => useQuery({ ...logRetentionQuery(), refetchInterval: 30_000 });

export function useUpdateLogRetention() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: LogRetentionInput) => api<LogRetentionDto>("/api/v1/team/log-retention", { method: "PATCH", body: input }),
    onSuccess: (d) => qc.setQueryData(logRetentionKeys.one, d),
  });
}
