import { parseBody, route } from "@/server/http";
import { getWebhookSettings } from "@/server/webhooks/get-webhook-settings";
import { updateWebhookSettings } from "@/server/webhooks/update-webhook-settings";
import { updateWebhookSettingsInput } from "@/server/webhooks/schemas";

type Params = { appId: string };

export const GET = route<Params>("read", ({ actor, params }) => getWebhookSettings({ actor, appId: params.appId }));

export const PATCH = route<Params>("app:write", async ({ req, actor, params }) =>
  updateWebhookSettings({ actor, appId: params.appId, input: await parseBody(req, updateWebhookSettingsInput) }),
);
