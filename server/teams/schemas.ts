import { z } from "zod";
import { roles } from "../auth/permissions";

export const addMemberInput = z.object({
  email: z.string().email(),
  role: z.enum(roles),
});
export type AddMemberInput = z.infer<typeof addMemberInput>;

export const quotaInput = z.object({
  cpuMillicores: z.number().int().min(0).max(1_000_000),
  memoryMib: z.number().int().min(0).max(10_000_000),
  storageGib: z.number().int().min(0).max(100_000),
  maxApps: z.number().int().min(0).max(10_000),
  maxConcurrentBuilds: z.number().int().min(0).max(100),
});
export type QuotaInput = z.infer<typeof quotaInput>;

export interface TeamDto {
  id: string;
  slug: string;
  name: string;
  role: string;
}

export interface QuotaUsageDto {
  quota: QuotaInput;
  usage: { cpuMillicores: number; memoryMib: number; storageGib: number; apps: number; runningBuilds: number };
}
