import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { appKeys } from "@/components/apps/queries";
import { refreshQueries } from "@/components/providers/refresh-queries";
import { teamKeys } from "@/components/team/queries";
import type { CreateBackupTargetInput } from "@/server/backups/schemas";
import type {
  AttachVolumeInput,
  BackupDto,
  BackupTargetDto,
  CreateVolumeInput,
  RestoreDto,
  UpdateVolumeInput,
  VolumeDto,
} from "@/server/volumes/schemas";

export interface VolumeFilter {
  projectId?: string;
  appId?: string;
}

export const volumeKeys = {
  all: ["volumes"] as const,
  list: (filter: VolumeFilter = {}) => ["volumes", "list", filter.projectId ?? "", filter.appId ?? ""] as const,
  backups: (volumeId: string) => ["volumes", volumeId, "backups"] as const,
  restore: (restoreId: string) => ["restores", restoreId] as const,
  targets: ["team", "backup-targets"] as const,
};

function listPath(filter: VolumeFilter): string {
  const q = new URLSearchParams();
  if (filter.projectId) q.set("projectId", filter.projectId);
  if (filter.appId) q.set("appId", filter.appId);
  const s = q.toString();
  return s ? `/api/v1/volumes?${s}` : "/api/v1/volumes";
}

export const volumesQuery = (filter: VolumeFilter = {}) =>
  queryOptions({ queryKey: volumeKeys.list(filter), queryFn: () => api<{ volumes: VolumeDto[] }>(listPath(filter)) });
export const backupsQuery = (volumeId: string) =>
  queryOptions({ queryKey: volumeKeys.backups(volumeId), queryFn: () => api<{ backups: BackupDto[] }>(`/api/v1/volumes/${volumeId}/backups`) });
export const restoreQuery = (restoreId: string) =>
  queryOptions({ queryKey: volumeKeys.restore(restoreId), queryFn: () => api<{ restore: RestoreDto }>(`/api/v1/restores/${restoreId}`) });
export const backupTargetsQuery = () =>
  queryOptions({ queryKey: volumeKeys.targets, queryFn: () => api<{ targets: BackupTargetDto[] }>("/api/v1/team/backup-targets") });

const converging = (v: VolumeDto) => v.state === "pending" || v.deleting || v.provisionedGib < v.sizeGib;
const active = (s: BackupDto["status"]) => s === "QUEUED" || s === "RUNNING";

/** Runtime state (state, provisioned size, used bytes) is written by slipwayd: polled, faster while it converges. */
export function useVolumes(filter: VolumeFilter = {}) {
  return useQuery({ ...volumesQuery(filter), refetchInterval: (q) => (q.state.data?.volumes.some(converging) ? 1000 : 10_000) });
}

/** A running backup reports its progress in bytesDone: polled every second while one is queued or running. */
export function useBackups(volumeId: string) {
  return useQuery({ ...backupsQuery(volumeId), refetchInterval: (q) => (q.state.data?.backups.some((b) => active(b.status)) ? 1000 : 10_000) });
}

export function useRestore(restoreId: string | null) {
  return useQuery({
    ...restoreQuery(restoreId ?? ""),
    enabled: restoreId !== null,
    refetchInterval: (q) => (q.state.data && !active(q.state.data.restore.status) ? false : 1000),
  });
}

export const useBackupTargets = () => useQuery(backupTargetsQuery());

/** A change to a volume shows in every volume list (team page, app sections), the quota, and the attached app. */
function refreshVolumes(qc: QueryClient, appIds: (string | null | undefined)[] = []) {
  const apps = [...new Set(appIds.filter((id): id is string => Boolean(id)))];
  return refreshQueries(qc, { queryKey: volumeKeys.all }, { queryKey: teamKeys.quota }, ...apps.map((id) => ({ queryKey: appKeys.one(id) })));
}

export function useCreateVolume() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateVolumeInput) => api<{ volume: VolumeDto }>("/api/v1/volumes", { method: "POST", body: input }),
    onSuccess: ({ volume }) => refreshVolumes(qc, [volume.appId]),
  });
}

/** Grow, or the backup settings (schedule, retention, consistency, target). */
export function useUpdateVolume(volumeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateVolumeInput) => api<{ volume: VolumeDto }>(`/api/v1/volumes/${volumeId}`, { method: "PATCH", body: input }),
    onSuccess: () => refreshVolumes(qc),
  });
}

export function useDeleteVolume(volumeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<unknown>(`/api/v1/volumes/${volumeId}`, { method: "DELETE" }),
    onSuccess: () => refreshVolumes(qc),
  });
}

/** Attaching or detaching restarts the app's replicas one at a time with the new mounts. */
export function useAttachVolume() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ volumeId, ...input }: AttachVolumeInput & { volumeId: string }) =>
      api<{ volume: VolumeDto }>(`/api/v1/volumes/${volumeId}/attach`, { method: "POST", body: input }),
    onSuccess: ({ volume }) => refreshVolumes(qc, [volume.appId]),
  });
}

export function useDetachVolume(volumeId: string, appId: string | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ volume: VolumeDto }>(`/api/v1/volumes/${volumeId}/detach`, { method: "POST" }),
    onSuccess: () => refreshVolumes(qc, [appId]),
  });
}

export function useBackUpNow(volumeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { consistent: boolean }) => api<{ backup: BackupDto }>(`/api/v1/volumes/${volumeId}/backups`, { method: "POST", body: input }),
    onSuccess: () => refreshQueries(qc, { queryKey: volumeKeys.backups(volumeId) }),
  });
}

export function useDeleteBackup(volumeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (backupId: string) => api<unknown>(`/api/v1/backups/${backupId}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: volumeKeys.backups(volumeId) }),
  });
}

export type RestoreInput = { volumeId: string } | { newVolume: { name: string; projectId?: string; sizeGib?: number } };

/** Into the same volume (its app is held while the data is replaced) or into a new one. */
export function useStartRestore() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ backupId, input }: { backupId: string; input: RestoreInput }) =>
      api<{ restore: RestoreDto }>(`/api/v1/backups/${backupId}/restore`, { method: "POST", body: input }),
    onSuccess: () => refreshVolumes(qc),
  });
}

export function useCreateBackupTarget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateBackupTargetInput) => api<{ target: BackupTargetDto }>("/api/v1/team/backup-targets", { method: "POST", body: input }),
    onSuccess: () => refreshQueries(qc, { queryKey: volumeKeys.targets }),
  });
}

export function useDeleteBackupTarget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (targetId: string) => api<unknown>(`/api/v1/team/backup-targets/${targetId}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: volumeKeys.targets }),
  });
}
