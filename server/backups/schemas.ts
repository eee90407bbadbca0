// Inputs (zod) of backups, restores and backup targets. The DTO types live in
// server/volumes/schemas.ts (BackupDto, RestoreDto, BackupTargetDto).
import { z } from "zod";
import { slugSchema } from "../slugs";
import { MAX_VOLUME_GIB } from "../volumes/schemas";

export const queueBackupInput = z.object({ consistent: z.boolean().optional() }).strict();
export type QueueBackupInput = z.input<typeof queueBackupInput>;

export const listBackupsQuery = z.object({ volumeId: z.string().min(1).optional() });

/** Into an existing volume (default: the one backed up), or into a new volume of the team. */
export const restoreBackupInput = z.union([
  z.object({ volumeId: z.string().min(1).optional() }).strict(),
  z
    .object({
      newVolume: z
        .object({
          name: slugSchema,
          /** default: the backed-up volume's project */
          projectId: z.string().min(1).optional(),
          /** default: the backed-up volume's size (or what the archive needs) */
          sizeGib: z.number().int().min(1).max(MAX_VOLUME_GIB).optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type RestoreBackupInput = z.input<typeof restoreBackupInput>;

export const createBackupTargetInput = z
  .object({
    name: slugSchema,
    /** https://host[:port] (http only for loopback, e.g. a test server) */
    endpoint: z.string().trim().url().max(300),
    region: z.string().trim().min(1).max(64).regex(/^[a-z0-9-]+$/, "letters, digits and dashes").default("us-east-1"),
    bucket: z
      .string()
      .trim()
      .min(3)
      .max(63)
      .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "an S3 bucket name (lowercase letters, digits, dots, dashes)"),
    prefix: z
      .string()
      .trim()
      .max(200)
      .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "letters, digits and !_.*'()/- only")
      .refine((p) => !p.split("/").includes(".."), "no .. segments")
      .default(""),
    accessKeyId: z.string().trim().min(1).max(200),
    secretAccessKey: z.string().min(1).max(500),
    forcePathStyle: z.boolean().default(true),
  })
  .strict();
export type CreateBackupTargetInput = z.input<typeof createBackupTargetInput>;
