import { z } from "zod";

export const signupPolicies = ["open", "invite-only", "domains"] as const;
export type SignupPolicy = (typeof signupPolicies)[number];

// A registrable domain such as example.com or mail.example.org (lower-case, no scheme, no "@").
const domainPattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const signupDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ""))
  .refine((d) => domainPattern.test(d), { message: "must be a domain such as example.com" });

export const platformSettingsInput = z
  .object({
    allowLocalGitSources: z.boolean().optional(),
    allowPrivateGitHosts: z.boolean().optional(),
    /** S3 backup targets on loopback or private addresses (a MinIO on the LAN) */
    allowPrivateBackupEndpoints: z.boolean().optional(),
    /** the most a team admin may set for the team's log retention */
    maxLogRetentionDays: z.number().int().min(1, "at least 1 day").max(3650, "at most 3650 days").optional(),
    maxLogRetentionMib: z.number().int().min(1, "at least 1 MiB").max(10_485_760, "at most 10 TiB").optional(),
    signupPolicy: z.enum(signupPolicies).optional(),
    allowedSignupDomains: z.array(signupDomain).max(100).optional(),
  })
  .strict();
export type PlatformSettingsInput = z.input<typeof platformSettingsInput>;

export interface PlatformSettingsDto {
  allowLocalGitSources: boolean;
  allowPrivateGitHosts: boolean;
  allowPrivateBackupEndpoints: boolean;
  maxLogRetentionDays: number;
  maxLogRetentionMib: number;
  signupPolicy: SignupPolicy;
  allowedSignupDomains: string[];
}
