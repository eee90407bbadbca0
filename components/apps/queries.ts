import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { AppDto, CreateAppInput, UpdateAppInput } from "@/server/apps/schemas";
import type { BuildDto } from "@/server/builds/schemas";
import type { ReleaseDto } from "@/server/releases/schemas";
import type { AppEventPageDto } from "@/server/apps/events/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

export const appKeys = {
  list: (projectId: string) => ["apps", "list", projectId] as const,
  one: (id: string) => ["apps", id] as const,
  builds: (id: string) => ["apps", id, "builds"] as const,
  releases: (id: string) => ["apps", id, "releases"] as const,
  events: (id: string) => ["apps", id, "events"] as const,
};

export const appsQuery = (projectId: string) =>
  queryOptions({ queryKey: appKeys.list(projectId), queryFn: () => api<AppDto[]>(`/api/v1/projects/${projectId}/apps`) });
export const appQuery = (id: string) => queryOptions({ queryKey: appKeys.one(id), queryFn: () => api<AppDto>(`/api/v1/apps/${id}`) });
export const buildsQuery = (id: string) => queryOptions({ queryKey: appKeys.builds(id), queryFn: () => api<BuildDto[]>(`/api/v1/apps/${id}/builds`) });
export const releasesQuery = (id: string) => queryOptions({ queryKey: appKeys.releases(id), queryFn: () => api<ReleaseDto[]>(`/api/v1/apps/${id}/releases`) });

export const eventsQuery = (id: string) => queryOptions({ queryKey: appKeys.events(id), queryFn: () => api<AppEventPageDto>(`/api/v1/apps/${id}/events?limit=20`) });

/** One older page of an app's timeline (newest first, after the event `cursor`). */
export function fetchOlderAppEvents(appId: string, cursor: string): Promise<AppEventPageDto> {
  return api<AppEventPageDto>(`/api/v1/apps/${appId}/events?cursor=${encodeURIComponent(cursor)}&limit=20`);
}

export const useApps = (projectId: string) => useQuery(appsQuery(projectId));

/** While a deploy is under way the app, its builds and releases refresh every second. */
export function useApp(id: string) {
  return useQuery({
    ...appQuery(id),
    refetchInterval: (q) => (q.state.data && q.state.data.targetReleaseId && q.state.data.targetReleaseId !== q.state.data.liveRelease?.id ? 1000 : 5000),
  });
}
export const useBuilds = (id: string, busy: boolean) => useQuery({ ...buildsQuery(id), refetchInterval: busy ? 1000 : 5000 });
export const useReleases = (id: string, busy: boolean) => useQuery({ ...releasesQuery(id), refetchInterval: busy ? 1000 : 5000 });
/** The timeline polls: the runtime records events too (deployed, crashed, rolled back). */
export const useAppEvents = (id: string) => useQuery({ ...eventsQuery(id), refetchInterval: 5000 });

export function useCreateApp(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateAppInput) => api<AppDto>(`/api/v1/projects/${projectId}/apps`, { method: "POST", body: input }),
    onSuccess: () => refreshQueries(qc, { queryKey: appKeys.list(projectId) }),
  });
}

export function useUpdateApp(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateAppInput) => api<AppDto>(`/api/v1/apps/${id}`, { method: "PATCH", body: input }),
    onSuccess: (app) => {
      qc.setQueryData(appKeys.one(id), app);
      // A new scale is on the timeline.
      return refreshQueries(qc, { queryKey: appKeys.events(id) });
    },
  });
}

export type AppOperation = "restart" | "stop" | "start";

/** Restart, stop or start: answers the app as it now is; the timeline has the new event. */
export function useAppOperation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (operation: AppOperation) => api<AppDto>(`/api/v1/apps/${id}/${operation}`, { method: "POST" }),
    onSuccess: (app) => {
      qc.setQueryData(appKeys.one(id), app);
      return refreshQueries(qc, { queryKey: appKeys.events(id) });
    },
  });
}

export function useDeployApp(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ build: BuildDto }>(`/api/v1/apps/${id}/deploy`, { method: "POST" }),
    onSuccess: () => refreshQueries(qc, { queryKey: appKeys.builds(id) }),
  });
}

/** A link to the app through its cluster's API server (no cache: each one is fresh). */
export function useOpenLink(id: string) {
  return useMutation({
    mutationFn: () => api<{ url: string; expiresAt: string }>(`/api/v1/apps/${id}/open`, { method: "POST" }),
  });
}

export function useRollback(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (releaseId: string) => api<{ id: string; version: number }>(`/api/v1/apps/${id}/releases/${releaseId}/rollback`, { method: "POST" }),
    onSuccess: () => refreshQueries(qc, { queryKey: appKeys.one(id) }, { queryKey: appKeys.releases(id) }),
  });
}

export function useDeleteApp(id: string) {
  return useMutation({ mutationFn: () => api<void>(`/api/v1/apps/${id}`, { method: "DELETE" }) });
}
