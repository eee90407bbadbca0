import "server-only";
import type { Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import type { WebhookSettingsDto } from "./schemas";
import { effectiveBranchFilter } from "./branch-filter";
import { PREVIOUS_SECRET_GRACE_MS } from "./webhook-secrets";
import { webhookUrl } from "./webhook-url";

/** The App columns the settings show; the secrets themselves never leave through this DTO. */
export const webhookSettingsSelect = {
  id: true,
  slug: true,
  gitBranch: true,
  deployOnPush: true,
  pushBranchFilter: true,
  webhookSecretEncrypted: true,
  previousWebhookSecretEncrypted: true,
  previousWebhookSecretExpiresAt: true,
  webhookRejectedCount: true,
  webhookLastRejectedAt: true,
  webhookLastRejectReason: true,
} as const;

export interface WebhookSettingsRow {
  id: string;
  gitBranch: string;
  deployOnPush: boolean;
  pushBranchFilter: string;
  webhookSecretEncrypted: string;
  previousWebhookSecretEncrypted: string;
  previousWebhookSecretExpiresAt: Date | null;
  webhookRejectedCount: number;
  webhookLastRejectedAt: Date | null;
  webhookLastRejectReason: string;
}

export function toWebhookSettingsDto(app: WebhookSettingsRow, actor: Actor, now = new Date()): WebhookSettingsDto {
  const previousValid = app.previousWebhookSecretEncrypted !== "" && app.previousWebhookSecretExpiresAt !== null && app.previousWebhookSecretExpiresAt > now;
  return {
    url: webhookUrl(app.id),
    deployOnPush: app.deployOnPush,
    branchFilter: app.pushBranchFilter,
    effectiveBranchFilter: effectiveBranchFilter(app),
    hasSecret: app.webhookSecretEncrypted !== "",
    previousSecretExpiresAt: previousValid ? app.previousWebhookSecretExpiresAt!.toISOString() : null,
    rotationGraceHours: PREVIOUS_SECRET_GRACE_MS / 3_600_000,
    rejectedCount: app.webhookRejectedCount,
    lastRejectedAt: app.webhookLastRejectedAt?.toISOString() ?? null,
    lastRejectReason: app.webhookLastRejectReason,
    can: { write: can(actor, "app:write"), deploy: can(actor, "app:deploy") },
  };
}
