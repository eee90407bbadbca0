import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { updateWebhookSettingsInput, type UpdateWebhookSettingsInput, type UpdateWebhookSettingsResultDto } from "./schemas";
import { getWebhookSettingsRowOrThrow } from "./get-webhook-settings";
import { toWebhookSettingsDto, webhookSettingsSelect } from "./to-webhook-settings-dto";
import { newWebhookSecret, rotatedSecretColumns } from "./webhook-secrets";

export interface UpdateWebhookSettingsOptions {
  actor: Actor;
  appId: string;
  input: UpdateWebhookSettingsInput;
}

/**
 * The switch and the branch filter. Turning deploy-on-push on while the app has no secret yet
 * generates one, returned in this answer only (`secret`); later changes never show it again
 * (rotate for a new one).
 */
export async function updateWebhookSettings({ actor, appId, input }: UpdateWebhookSettingsOptions): Promise<UpdateWebhookSettingsResultDto> {
  const data = updateWebhookSettingsInput.parse(input);
  return getDb().$transaction(async (tx) => {
    const current = await getWebhookSettingsRowOrThrow(tx, { actor, appId });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (data.deployOnPush !== undefined && data.deployOnPush !== current.deployOnPush) changes.deployOnPush = { from: current.deployOnPush, to: data.deployOnPush };
    if (data.branchFilter !== undefined && data.branchFilter !== current.pushBranchFilter) changes.branchFilter = { from: current.pushBranchFilter, to: data.branchFilter };

    let row = current;
    if (Object.keys(changes).length > 0) {
      row = await tx.app.update({ where: { id: current.id }, data: { deployOnPush: data.deployOnPush, pushBranchFilter: data.branchFilter }, select: webhookSettingsSelect });
    }
    let secret: string | undefined;
    if (row.deployOnPush && row.webhookSecretEncrypted === "") {
      const candidate = newWebhookSecret();
      // Only if still none: of two first switches at once, one generates the secret and shows it;
      // the other must not overwrite it with a secret nobody else saw.
      const { count } = await tx.app.updateMany({ where: { id: current.id, webhookSecretEncrypted: "" }, data: rotatedSecretColumns(current, candidate) });
      if (count === 1) secret = candidate;
      row = await tx.app.findUniqueOrThrow({ where: { id: current.id }, select: webhookSettingsSelect });
    }
    if (Object.keys(changes).length > 0 || secret) {
      // Never the secret itself: only that one was generated.
      await recordAudit(tx, { actor, action: "app.webhook.update", targetType: "app", targetId: current.id, data: { slug: current.slug, changes, ...(secret ? { secretGenerated: true } : {}) } });
    }
    return { ...toWebhookSettingsDto(row, actor), ...(secret ? { secret } : {}) };
  });
}
