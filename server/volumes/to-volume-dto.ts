import "server-only";
import type { Volume } from "../generated/sqlite/client";
import { runtimeTargetOf } from "../runtime/runtime-target";
import type { VolumeDto, VolumeState } from "./schemas";

/** What a VolumeDto needs besides the row: the project (and its cluster) and the attached app. */
export const volumeDtoInclude = {
  project: { select: { slug: true, cluster: { select: { name: true } } } },
  app: { select: { slug: true } },
} as const;

export type VolumeWithRelations = Volume & { project: { slug: string; cluster: { name: string } | null }; app: { slug: string } | null };

const STATES: readonly VolumeState[] = ["pending", "ready", "failed"];

export function toVolumeDto(v: VolumeWithRelations): VolumeDto {
  return {
    id: v.id,
    name: v.name,
    projectId: v.projectId,
    projectSlug: v.project.slug,
    runtime: runtimeTargetOf(v.project.cluster),
    onCluster: v.project.cluster !== null,
    appId: v.appId,
    appSlug: v.app?.slug ?? null,
    mountPath: v.mountPath,
    sizeGib: v.sizeGib,
    provisionedGib: v.provisionedGib,
    usedBytes: v.usedBytes,
    measuredAt: v.measuredAt?.toISOString() ?? null,
    state: (STATES as readonly string[]).includes(v.state) ? (v.state as VolumeState) : "pending",
    stateReason: v.stateReason,
    deleting: v.deleteRequestedAt !== null,
    backupSchedule: v.backupSchedule,
    backupRetention: v.backupRetention,
    backupConsistent: v.backupConsistent,
    backupTargetId: v.backupTargetId,
    createdAt: v.createdAt.toISOString(),
  };
}
