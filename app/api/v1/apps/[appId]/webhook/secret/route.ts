import { route } from "@/server/http";
import { rotateWebhookSecret } from "@/server/webhooks/rotate-webhook-secret";

type Params = { appId: string };

/** Rotate: 201 with the new secret (shown once); the previous one stays valid for 24 h. */
export const POST = route<Params>("app:write", ({ actor, params }) => rotateWebhookSecret({ actor, appId: params.appId }));
