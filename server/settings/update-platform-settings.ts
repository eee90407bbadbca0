import "server-only";
import { z } from "zod";
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";

export const platformSettingsInput = z.object({
  allowLocalGitSources: z.boolean().optional(),
  allowPrivateGitHosts: z.boolean().optional(),
});

export async function updatePlatformSettings({ actor, input }: { actor: Actor; input: z.input<typeof platformSettingsInput> }) {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may change platform settings.");
  const data = platformSettingsInput.parse(input);
  const db = getDb();
  const settings = await db.platformSettings.upsert({ where: { id: "platform" }, create: data, update: data });
  await recordAudit(db, { actor, action: "platform.settings.update", targetType: "platform", targetId: "platform", data });
  return { allowLocalGitSources: settings.allowLocalGitSources, allowPrivateGitHosts: settings.allowPrivateGitHosts };
}
