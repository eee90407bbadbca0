import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { PlatformTeamDto, TeamQuotaInput } from "@/server/quotas/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

export const platformKeys = { teams: ["platform", "teams"] as const, defaultQuota: ["platform", "default-quota"] as const };

export const platformTeamsQuery = () => queryOptions({ queryKey: platformKeys.teams, queryFn: () => api<PlatformTeamDto[]>("/api/v1/platform/teams") });
export const defaultQuotaQuery = () => queryOptions({ queryKey: platformKeys.defaultQuota, queryFn: () => api<TeamQuotaInput>("/api/v1/platform/default-quota") });

export const usePlatformTeams = () => useQuery({ ...platformTeamsQuery(), refetchInterval: 15_000 });
export const useDefaultQuota = () => useQuery(defaultQuotaQuery());

export function useUpdateTeamQuota() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ teamId, quota }: { teamId: string; quota: TeamQuotaInput }) => api<TeamQuotaInput>(`/api/v1/platform/teams/${teamId}/quota`, { method: "PUT", body: quota }),
    onSuccess: () => refreshQueries(qc, { queryKey: platformKeys.teams }, { queryKey: ["team", "quota"] }),
  });
}

export function useUpdateDefaultQuota() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (quota: TeamQuotaInput) => api<TeamQuotaInput>("/api/v1/platform/default-quota", { method: "PUT", body: quota }),
    onSuccess: (d) => qc.setQueryData(platformKeys.defaultQuota, d),
  });
}
