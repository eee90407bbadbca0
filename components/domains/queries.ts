import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { refreshQueries } from "@/components/providers/refresh-queries";
import type { DomainCheckMethod, DomainDto } from "@/server/domains/constants";

export const domainKeys = {
  list: (appId: string) => ["apps", appId, "domains"] as const,
};

export const domainsQuery = (appId: string) =>
  queryOptions({ queryKey: domainKeys.list(appId), queryFn: () => api<DomainDto[]>(`/api/v1/apps/${appId}/domains`) });

export const useDomains = (appId: string) => useQuery(domainsQuery(appId));

const refreshApp = (qc: ReturnType<typeof useQueryClient>, appId: string) => refreshQueries(qc, { queryKey: domainKeys.list(appId) });

export function useAddDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (hostname: string) => api<DomainDto>(`/api/v1/apps/${appId}/domains`, { method: "POST", body: { hostname } }),
    onSuccess: () => refreshApp(qc, appId),
  });
}

/** A failed check is an error (422 with what was found); it is also kept on the domain, so re-read either way. */
export function useVerifyDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ domainId, method }: { domainId: string; method?: DomainCheckMethod }) =>
      api<DomainDto>(`/api/v1/apps/${appId}/domains/${domainId}/verify`, { method: "POST", body: method ? { method } : {} }),
    onSettled: () => refreshApp(qc, appId),
  });
}

export function useRemoveDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (domainId: string) => api<void>(`/api/v1/apps/${appId}/domains/${domainId}`, { method: "DELETE" }),
    onSuccess: () => refreshApp(qc, appId),
  });
}
