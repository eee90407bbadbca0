import "server-only";
import { getDb } from "../db";
import { AppError, forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { parseSignupDomains, toPlatformSettingsDto } from "./get-platform-settings";
import { platformSettingsInput, type PlatformSettingsDto, type PlatformSettingsInput } from "./schemas";

export async function updatePlatformSettings({ actor, input }: { actor: Actor; input: PlatformSettingsInput }): Promise<PlatformSettingsDto> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may change platform settings.");
  const parsed = platformSettingsInput.parse(input);
  const { allowedSignupDomains, ...rest } = parsed;
  const data = { ...rest, ...(allowedSignupDomains ? { allowedSignupDomains: [...new Set(allowedSignupDomains)].join(",") } : {}) };
  const db = getDb();
  const settings = await db.$transaction(async (tx) => {
    const current = await tx.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
    const policy = data.signupPolicy ?? current.signupPolicy;
    const domains = data.allowedSignupDomains ?? current.allowedSignupDomains;
    // "domains" with no domain would quietly mean invite-only; say so instead.
    if (policy === "domains" && parseSignupDomains(domains).length === 0) {
      throw new AppError("VALIDATION", "allowedSignupDomains: list at least one domain for the \"domains\" sign-up policy.", {
        fields: [{ path: "allowedSignupDomains", message: "list at least one domain" }],
      });
    }
    const updated = await tx.platformSettings.update({ where: { id: "platform" }, data });
    await recordAudit(tx, { actor, teamId: null, action: "platform.settings.update", targetType: "platform", targetId: "platform", data: parsed });
    return updated;
  });
  return toPlatformSettingsDto(settings);
}
