import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import type { RotatedWebhookSecretDto } from "./schemas";
import { getWebhookSettingsRowOrThrow } from "./get-webhook-settings";
import { toWebhookSettingsDto, webhookSettingsSelect } from "./to-webhook-settings-dto";
import { newWebhookSecret, rotatedSecretColumns } from "./webhook-secrets";

/**
 * A new secret, shown once in this answer. The one it replaces stays valid for
 * PREVIOUS_SECRET_GRACE_MS (24 h), so pushes keep deploying while the user pastes the new one
 * into their provider; a secret older than that one is dropped at once.
 */
export async function rotateWebhookSecret({ actor, appId }: { actor: Actor; appId: string }): Promise<RotatedWebhookSecretDto> {
  const secret = newWebhookSecret();
  return getDb().$transaction(async (tx) => {
    const current = await getWebhookSettingsRowOrThrow(tx, { actor, appId });
    const columns = rotatedSecretColumns(current, secret);
    // Compare-and-set on the secret read: of two rotations at once, the second would otherwise
    // drop the first one's new secret (which its caller has just been shown) without any grace.
    const { count } = await tx.app.updateMany({ where: { id: current.id, webhookSecretEncrypted: current.webhookSecretEncrypted }, data: columns });
    if (count !== 1) throw new AppError("CONFLICT", "The webhook secret was rotated by someone else at the same moment; reload and rotate again if you still need a new one.");
    await recordAudit(tx, {
      actor,
      action: "app.webhook.secret.rotate",
      targetType: "app",
      targetId: current.id,
      data: { slug: current.slug, previousSecretValidUntil: columns.previousWebhookSecretExpiresAt?.toISOString() ?? null },
    });
    const row = await tx.app.findUniqueOrThrow({ where: { id: current.id }, select: webhookSettingsSelect });
    return { secret, settings: toWebhookSettingsDto(row, actor) };
  });
}
