import "server-only";
import { getDb } from "../db";
import { signupPolicies, type PlatformSettingsDto, type SignupPolicy } from "./schemas";

export async function getPlatformSettings() {
  return getDb().platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
}

export function parseSignupDomains(stored: string): string[] {
  return stored.split(",").map((d) => d.trim()).filter(Boolean);
}

export function toPlatformSettingsDto(s: Awaited<ReturnType<typeof getPlatformSettings>>): PlatformSettingsDto {
  // An unknown stored value (a hand-edited row) is treated as the strictest policy, not as open.
  const signupPolicy = (signupPolicies as readonly string[]).includes(s.signupPolicy) ? (s.signupPolicy as SignupPolicy) : "invite-only";
  return {
    allowLocalGitSources: s.allowLocalGitSources,
    allowPrivateGitHosts: s.allowPrivateGitHosts,
    allowPrivateBackupEndpoints: s.allowPrivateBackupEndpoints,
    maxLogRetentionDays: s.maxLogRetentionDays,
    maxLogRetentionMib: s.maxLogRetentionMib,
    signupPolicy,
    allowedSignupDomains: parseSignupDomains(s.allowedSignupDomains),
  };
}
