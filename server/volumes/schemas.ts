// Inputs (zod) and DTOs of volumes, their backups and restores, and backup targets. Client code
// imports the DTO types only (`import type`).
import { z } from "zod";
import { slugSchema } from "../slugs";
import { checkMountPath } from "./mount-path";

/** The largest volume one request may ask for; the team's storage quota is the real ceiling. */
export const MAX_VOLUME_GIB = 16_384;

export const mountPathSchema = z
  .string()
  .trim()
  .max(300)
  .superRefine((p, ctx) => {
    const problem = checkMountPath(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const sizeGib = z.number().int().min(1, "at least 1 GiB").max(MAX_VOLUME_GIB, `at most ${MAX_VOLUME_GIB} GiB`);

/** 5-field cron in UTC ("" = no schedule); checked by server/backups/backup-schedule.ts. */
const backupSchedule = z.string().trim().max(100);

export const createVolumeInput = z.object({
  projectId: z.string().min(1),
  name: slugSchema,
  sizeGib,
  /** attach at once (both or neither) */
  appId: z.string().min(1).optional(),
  mountPath: mountPathSchema.optional(),
});
export type CreateVolumeInput = z.input<typeof createVolumeInput>;

export const updateVolumeInput = z
  .object({
    sizeGib,
    backupSchedule,
    backupRetention: z.number().int().min(1).max(1000),
    backupConsistent: z.boolean(),
    backupTargetId: z.string().min(1).nullable(),
  })
  .partial()
  .strict();
export type UpdateVolumeInput = z.input<typeof updateVolumeInput>;

export const attachVolumeInput = z.object({ appId: z.string().min(1), mountPath: mountPathSchema }).strict();
export type AttachVolumeInput = z.input<typeof attachVolumeInput>;

export type VolumeState = "pending" | "ready" | "failed";

export interface VolumeDto {
  id: string;
  name: string;
  projectId: string;
  projectSlug: string;
  /** "embedded" or "cluster:<name>": the runtime that holds its data (its project's) */
  runtime: string;
  /** on a Kubernetes cluster: a PersistentVolumeClaim (usage not measured, no backups yet) */
  onCluster: boolean;
  appId: string | null;
  appSlug: string | null;
  /** "" while detached */
  mountPath: string;
  sizeGib: number;
  /** what the runtime has made so far (0: not yet); below sizeGib while a grow is converging */
  provisionedGib: number;
  /** bytes in use, measured by the runtime (null until first measured) */
  usedBytes: number | null;
  measuredAt: string | null;
  state: VolumeState;
  stateReason: string;
  /** deletion asked for; the runtime is removing its data */
  deleting: boolean;
  backupSchedule: string;
  backupRetention: number;
  backupConsistent: boolean;
  backupTargetId: string | null;
  createdAt: string;
}

export type OperationStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface BackupDto {
  id: string;
  volumeId: string | null;
  volumeName: string;
  projectId: string;
  trigger: "manual" | "schedule";
  consistent: boolean;
  status: OperationStatus;
  /** null id: the platform's local backup directory */
  target: { id: string | null; name: string };
  bytesDone: number;
  dataBytes: number | null;
  sizeBytes: number | null;
  sha256: string;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** its newest restore (so a page reloaded mid-restore still follows it, and a refusal stays told) */
  lastRestore: RestoreDto | null;
}

export interface RestoreDto {
  id: string;
  backupId: string;
  volumeId: string;
  status: OperationStatus;
  bytesDone: number;
  totalBytes: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BackupTargetDto {
  id: string;
  name: string;
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  forcePathStyle: boolean;
  createdAt: string;
}
