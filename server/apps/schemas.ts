import { z } from "zod";
import { slugSchema } from "../slugs";

const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are letters, digits and '_', not starting with a digit");

export const appSettingsShape = {
  gitBranch: z.string().trim().min(1).max(200).regex(/^[^\s~^:?*[\\]+$/, "is not a valid git branch name").refine((b) => !b.startsWith("-"), "must not start with '-'"),
  dockerfilePath: z.string().trim().min(1).max(300).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a path inside the repository"),
  containerPort: z.number().int().min(1).max(65535),
  healthCheckPath: z.string().startsWith("/", "must start with '/'").max(300),
  env: z.record(envKey, z.string().max(32_768)),
  cpuMillicores: z.number().int().min(10, "at least 10 millicores").max(64_000),
  memoryMib: z.number().int().min(16, "at least 16 MiB").max(262_144),
  replicas: z.number().int().min(1).max(20),
};

export const createAppInput = z.object({
  slug: slugSchema,
  gitUrl: z.string().trim().min(1, "a repository URL is required").max(2000),
  gitBranch: appSettingsShape.gitBranch.default("main"),
  dockerfilePath: appSettingsShape.dockerfilePath.default("Dockerfile"),
  containerPort: appSettingsShape.containerPort.default(8080),
  healthCheckPath: appSettingsShape.healthCheckPath.default("/"),
  env: appSettingsShape.env.default({}),
  cpuMillicores: appSettingsShape.cpuMillicores.default(250),
  memoryMib: appSettingsShape.memoryMib.default(256),
  replicas: appSettingsShape.replicas.default(1),
});
export type CreateAppInput = z.input<typeof createAppInput>;

export const updateAppInput = z
  .object({
    gitUrl: createAppInput.shape.gitUrl,
    gitBranch: appSettingsShape.gitBranch,
    dockerfilePath: appSettingsShape.dockerfilePath,
    containerPort: appSettingsShape.containerPort,
    healthCheckPath: appSettingsShape.healthCheckPath,
    env: appSettingsShape.env,
    cpuMillicores: appSettingsShape.cpuMillicores,
    memoryMib: appSettingsShape.memoryMib,
    replicas: appSettingsShape.replicas,
    // Roll back on its own when a live release starts crashing soon after it went live.
    autoRollback: z.boolean(),
  })
  .partial();
export type UpdateAppInput = z.input<typeof updateAppInput>;

export interface AppDto {
  id: string;
  projectId: string;
  projectSlug: string;
  slug: string;
  gitUrl: string;
  gitBranch: string;
  dockerfilePath: string;
  containerPort: number;
  healthCheckPath: string;
  /** Names only: values are secrets and never leave the server after they are set. */
  envKeys: string[];
  cpuMillicores: number;
  memoryMib: number;
  replicas: number;
  runtimeTarget: string;
  /** Where the live release is served; null on a cluster without an ingress domain. */
  url: string | null;
  liveRelease: {
    id: string;
    version: number;
    imageDigest: string;
    liveAt: string | null;
    /** its replicas keep exiting: slipwayd restarts them with backoff (null while they run) */
    crashing: LiveCrashDto | null;
  } | null;
  targetReleaseId: string | null;
  /** Stopped: no replica runs (config and releases kept); start brings the live release back. */
  stopped: boolean;
  /** Raised by each restart; the runtime replaces the replicas one at a time when it changes. */
  restartGeneration: number;
  /** Roll back by itself when a live release starts crashing soon after it went live. */
  autoRollback: boolean;
  /**
   * Why a restore, a consistent backup or an offline grow of one of its volumes holds it (no
   * replica runs, its URL answers 503 saying so; the same release starts again after); null when
   * not held, or when the answer did not look (only the app's own GET does).
   */
  heldBy: string | null;
  createdAt: string;
}

/** GET /api/v1/apps/<id>/events: ?cursor=<last event id of the previous page>&limit=<1..100, default 20>. */
export const appEventListQuery = z.object({
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type AppEventListQuery = z.infer<typeof appEventListQuery>;

/** A live release whose containers keep exiting, as the app page shows it. */
export interface LiveCrashDto {
  since: string;
  /** crashes in this streak */
  crashes: number;
  lastExitCode: number | null;
  lastExitAt: string | null;
  oomKilled: boolean;
  lastLogLines: string[];
}
