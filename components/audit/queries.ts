import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { AuditPageDto } from "@/server/audit/schemas";

export type AuditScope = "team" | "platform";

/** The filters as the form holds them: empty strings mean "any". */
export interface AuditFilters {
  action: string;
  actor: string;
  actorType: string;
  targetType: string;
  from: string;
  to: string;
  /** Platform view only: a team slug, or "platform" for platform-wide events. */
  team: string;
}

export const emptyAuditFilters: AuditFilters = { action: "", actor: "", actorType: "", targetType: "", from: "", to: "", team: "" };

export const auditKeys = {
  all: ["audit"] as const,
  list: (scope: AuditScope, filters: AuditFilters) => ["audit", scope, filters] as const,
};

const PAGE_SIZE = 50;

function toSearch(scope: AuditScope, filters: AuditFilters, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(filters)) {
    if (!value || (key === "team" && scope !== "platform")) continue;
    // <input type="datetime-local"> gives local time without a zone; send it as an instant.
    params.set(key, key === "from" || key === "to" ? new Date(value).toISOString() : value);
  }
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

export const auditLogQuery = (scope: AuditScope, filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: auditKeys.list(scope, filters),
    queryFn: ({ pageParam }) => api<AuditPageDto>(`/api/v1/${scope}/audit?${toSearch(scope, filters, pageParam)}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useAuditLog = (scope: AuditScope, filters: AuditFilters) => useInfiniteQuery(auditLogQuery(scope, filters));
