import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { ProjectQuotaInput, TeamQuotaDto } from "@/server/quotas/schemas";
import type { PlatformSettingsDto } from "@/server/settings/schemas";
import type { CreatedInvitationDto, InvitationDto } from "@/server/invitations/schemas";
import type { ApiTokenDto, CreateApiTokenInput, CreatedApiTokenDto } from "@/server/auth/api-tokens/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

export interface MeDto {
  user: { id: string; email: string; isPlatformAdmin: boolean };
  team: { id: string; slug: string; role: string };
  teams: { id: string; slug: string; name: string; role: string }[];
}
export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: string;
}
export type { PlatformSettingsDto } from "@/server/settings/schemas";

export const teamKeys = { me: ["me"] as const, quota: ["team", "quota"] as const, members: ["team", "members"] as const, platform: ["platform", "settings"] as const };

export const meQuery = () => queryOptions({ queryKey: teamKeys.me, queryFn: () => api<MeDto>("/api/v1/me") });
export const quotaQuery = () => queryOptions({ queryKey: teamKeys.quota, queryFn: () => api<TeamQuotaDto>("/api/v1/team/quota") });
export const membersQuery = () => queryOptions({ queryKey: teamKeys.members, queryFn: () => api<MemberDto[]>("/api/v1/team/members") });
export const platformSettingsQuery = () => queryOptions({ queryKey: teamKeys.platform, queryFn: () => api<PlatformSettingsDto>("/api/v1/platform/settings") });

export const useMe = () => useQuery(meQuery());
export const useQuota = () => useQuery(quotaQuery());
export const useMembers = () => useQuery(membersQuery());
export const usePlatformSettings = () => useQuery(platformSettingsQuery());

export const invitationKeys = { list: ["team", "invitations"] as const };
export const invitationsQuery = () => queryOptions({ queryKey: invitationKeys.list, queryFn: () => api<InvitationDto[]>("/api/v1/team/invitations") });
export const useInvitations = (enabled = true) => useQuery({ ...invitationsQuery(), enabled });

export function useCreateInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { email: string; role: string }) => api<CreatedInvitationDto>("/api/v1/team/invitations", { method: "POST", body: i }),
    onSuccess: () => refreshQueries(qc, { queryKey: invitationKeys.list }),
  });
}

export function useRevokeInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api(`/api/v1/team/invitations/${id}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: invitationKeys.list }),
  });
}

export function useChangeMemberRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (m: { userId: string; role: string }) => api<MemberDto>(`/api/v1/team/members/${m.userId}`, { method: "PATCH", body: { role: m.role } }),
    onSettled: () => refreshQueries(qc, { queryKey: teamKeys.members }, { queryKey: teamKeys.me }),
  });
}

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api(`/api/v1/team/members/${userId}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: teamKeys.members }),
  });
}

export function useLeaveTeam() {
  return useMutation({ mutationFn: () => api("/api/v1/team/leave", { method: "POST" }) });
}

/** A team admin's per-project limits (null = none); the team page's usage view refreshes after. */
export function useUpdateProjectQuota() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ projectId, limits }: { projectId: string; limits: ProjectQuotaInput }) =>
      api<{ id: string; slug: string; limits: ProjectQuotaInput }>(`/api/v1/projects/${projectId}/quota`, { method: "PUT", body: limits }),
    onSuccess: () => refreshQueries(qc, { queryKey: teamKeys.quota }),
  });
}

export function useUpdatePlatformSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: Partial<PlatformSettingsDto>) => api<PlatformSettingsDto>("/api/v1/platform/settings", { method: "PUT", body: s }),
    // The checkbox flips at once; a refusal puts it back. A fetch of the settings already in flight
    // is cancelled first: it would otherwise land after the flip and put the old value back.
    onMutate: async (s) => {
      await qc.cancelQueries({ queryKey: teamKeys.platform });
      const previous = qc.getQueryData<PlatformSettingsDto>(teamKeys.platform);
      if (previous) qc.setQueryData(teamKeys.platform, { ...previous, ...s });
      return { previous };
    },
    onError: (_e, _s, ctx) => qc.setQueryData(teamKeys.platform, ctx?.previous),
    onSuccess: (d) => qc.setQueryData(teamKeys.platform, d),
  });
}

export const tokenKeys = { list: ["team", "tokens"] as const };
export const apiTokensQuery = () => queryOptions({ queryKey: tokenKeys.list, queryFn: () => api<ApiTokenDto[]>("/api/v1/team/tokens") });
export const useApiTokens = () => useQuery(apiTokensQuery());

export function useCreateApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: CreateApiTokenInput) => api<CreatedApiTokenDto>("/api/v1/team/tokens", { method: "POST", body: t }),
    onSuccess: () => refreshQueries(qc, { queryKey: tokenKeys.list }),
  });
}

export function useRevokeApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<ApiTokenDto>(`/api/v1/team/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: tokenKeys.list }),
  });
}
