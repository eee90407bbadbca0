import "server-only";
// The webhook intake: rate limit → app → provider → signature over the exact bytes received →
// parse → outcome. Nothing is stored for a request whose signature fails (only a counter on the
// app), and the body is not even parsed before its signature holds. Verifies, records and
// enqueues, nothing more: providers give a hook about ten seconds.
import { createHash } from "node:crypto";
import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError, notFound } from "../errors";
import { RateLimiter } from "../rate-limit";
import { handleDelivery, deliveryAppSelect, type DeliveryAnswer } from "./handle-delivery";
import { detectProvider, keptHeaders } from "./providers/detect-provider";
import { PayloadError } from "./providers/types";
import { recordRejection } from "./record-rejection";
import { acceptedWebhookSecrets } from "./webhook-secrets";

export interface ReceiveWebhookOptions {
  appId: string;
  headers: Headers;
  /** The body exactly as received (the route caps it at MAX_WEBHOOK_BODY_BYTES). */
  rawBody: Buffer;
}

let limiter: { perMinute: number; limiter: RateLimiter } | undefined;

/** Per app, a burst of SLIPWAY_WEBHOOKS_PER_MINUTE refilled evenly over a minute. */
function takeToken(appId: string): boolean {
  const perMinute = getEnv().SLIPWAY_WEBHOOKS_PER_MINUTE;
  if (limiter?.perMinute !== perMinute) limiter = { perMinute, limiter: new RateLimiter(perMinute, perMinute / 60) };
  return limiter.limiter.take(appId);
}

const NOT_SET_UP = "deploy on push is not set up";
const UNKNOWN_SENDER = "no webhook headers Slipway knows";

async function reject(appId: string, reason: string, message: string): Promise<never> {
  await recordRejection(appId, reason);
  throw new AppError("UNAUTHENTICATED", message);
}

export async function receiveWebhook({ appId, headers, rawBody }: ReceiveWebhookOptions): Promise<DeliveryAnswer> {
  // First and cheapest: a flood is refused before any database or HMAC work.
  if (!takeToken(appId)) throw new AppError("RATE_LIMITED", "Too many webhook deliveries for this app; try again in a minute.");
  const app = await getDb().app.findUnique({
    where: { id: appId },
    select: { ...deliveryAppSelect, webhookSecretEncrypted: true, previousWebhookSecretEncrypted: true, previousWebhookSecretExpiresAt: true },
  });
  if (!app) throw notFound("App");

  const secrets = acceptedWebhookSecrets(app);
  if (secrets.length === 0) {
    return reject(app.id, NOT_SET_UP, "Deploy on push is not set up for this app: turn it on in the app's page to get the webhook secret.");
  }
  const provider = detectProvider(headers);
  if (!provider) {
    return reject(
      app.id,
      UNKNOWN_SENDER,
      "No webhook headers Slipway knows: expected GitHub, GitLab, Gitea, Forgejo, Bitbucket Cloud or the generic X-Slipway-Signature.",
    );
  }
  const verdict = provider.verify(headers, rawBody, secrets);
  if (!verdict.ok) return reject(app.id, `${provider.name}: ${verdict.reason}`, `Webhook refused: ${verdict.reason}.`);

  let event;
  try {
    event = provider.parse(headers, rawBody);
  } catch (error) {
    if (error instanceof PayloadError) throw new AppError("BAD_REQUEST", `The ${provider.name} payload could not be read: ${error.message}.`);
    throw error;
  }
  // A provider that sent no delivery id: the body itself identifies it (a retry repeats it exactly).
  const deliveryId = event.deliveryId ?? `sha256:${createHash("sha256").update(rawBody).digest("hex").slice(0, 40)}`;
  return handleDelivery({
    app,
    event: { ...event, deliveryId: deliveryId.slice(0, 200) },
    payload: rawBody.toString("utf8"),
    headers: keptHeaders(provider, headers),
    trigger: "push",
    actor: { system: "webhook", label: `${provider.name} delivery ${deliveryId.slice(0, 100)}`, teamId: app.teamId },
  });
}
