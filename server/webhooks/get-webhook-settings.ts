import "server-only";
import { getDb, type Db, type Tx } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { WebhookSettingsDto } from "./schemas";
import { toWebhookSettingsDto, webhookSettingsSelect } from "./to-webhook-settings-dto";

/** The app's webhook columns, in the actor's team only: another team's app is "not found". */
export async function getWebhookSettingsRowOrThrow(db: Db | Tx, { actor, appId }: { actor: Actor; appId: string }) {
  const app = await db.app.findFirst({ where: { id: appId, teamId: actor.teamId }, select: webhookSettingsSelect });
  if (!app) throw notFound("App");
  return app;
}

/** Never carries a secret: it is shown once, when generated or rotated. */
export async function getWebhookSettings({ actor, appId }: { actor: Actor; appId: string }): Promise<WebhookSettingsDto> {
  return toWebhookSettingsDto(await getWebhookSettingsRowOrThrow(getDb(), { actor, appId }), actor);
}
