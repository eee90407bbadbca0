// Quota inputs and DTOs (safe to import from components).
import { z } from "zod";
import { BUILD_TIMEOUT_MAX_SECONDS, BUILD_TIMEOUT_MIN_SECONDS } from "./constants";

/** A team's ceiling: only the platform admin sets it (and the default for new teams). */
export const teamQuotaInput = z.object({
  cpuMillicores: z.number().int().min(0).max(1_000_000),
  memoryMib: z.number().int().min(0).max(10_000_000),
  storageGib: z.number().int().min(0).max(100_000),
  maxApps: z.number().int().min(0).max(10_000),
  maxConcurrentBuilds: z.number().int().min(0).max(100),
  // A build running longer is stopped. Optional so older clients that send the first five keep
  // working (an update without it keeps the current value). 10 s to 6 h.
  buildTimeoutSeconds: z.number().int().min(BUILD_TIMEOUT_MIN_SECONDS).max(BUILD_TIMEOUT_MAX_SECONDS).optional(),
});
export type TeamQuotaInput = z.infer<typeof teamQuotaInput>;

/** A team admin divides the team's quota: each limit is optional (null = the team's ceiling only). */
export const projectQuotaInput = z.object({
  cpuMillicores: teamQuotaInput.shape.cpuMillicores.nullable(),
  memoryMib: teamQuotaInput.shape.memoryMib.nullable(),
  storageGib: teamQuotaInput.shape.storageGib.nullable(),
  maxApps: teamQuotaInput.shape.maxApps.nullable(),
});
export type ProjectQuotaInput = z.infer<typeof projectQuotaInput>;

export interface UsageDto {
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  apps: number;
}

export interface TeamUsageDto extends UsageDto {
  runningBuilds: number;
}

export interface ProjectQuotaDto {
  id: string;
  slug: string;
  limits: ProjectQuotaInput;
  usage: UsageDto;
}

export interface AppUsageDto {
  id: string;
  slug: string;
  projectId: string;
  replicas: number;
  cpuMillicores: number;
  memoryMib: number;
}

/** GET /team/quota: the ceiling, the team's usage, and usage per project and per app. */
export interface TeamQuotaDto {
  quota: TeamQuotaInput;
  usage: TeamUsageDto;
  projects: ProjectQuotaDto[];
  apps: AppUsageDto[];
}

/** GET /platform/teams: every team with its ceiling and usage. */
export interface PlatformTeamDto {
  id: string;
  slug: string;
  name: string;
  members: number;
  quota: TeamQuotaInput;
  usage: TeamUsageDto;
}
