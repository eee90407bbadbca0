// An app's webhook secrets: the current one, and after a rotation the previous one for a grace
// period, so that a provider still sending with the old secret keeps working while the user pastes
// the new one. Both are sealed at rest (server/crypto); the plaintext leaves only once, on rotation.
import { randomBytes } from "node:crypto";
import { open, seal } from "../crypto/secret-box";

/** How long the secret a rotation replaced is still accepted (documented in the README). */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

/** A new secret: 32 random bytes, hex (providers accept any string; hex survives every form field). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("hex")}`;
}

export interface WebhookSecretColumns {
  webhookSecretEncrypted: string;
  previousWebhookSecretEncrypted: string;
  previousWebhookSecretExpiresAt: Date | null;
}

/** The columns after rotating to `secret` at `now`: the current one becomes the previous one. */
export function rotatedSecretColumns(current: WebhookSecretColumns, secret: string, now = new Date()): WebhookSecretColumns {
  const hadOne = current.webhookSecretEncrypted !== "";
  return {
    webhookSecretEncrypted: seal(secret),
    previousWebhookSecretEncrypted: hadOne ? current.webhookSecretEncrypted : "",
    previousWebhookSecretExpiresAt: hadOne ? new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS) : null,
  };
}

/** The secrets a request may be signed with now: current first, then the previous one in its grace period. */
export function acceptedWebhookSecrets(app: WebhookSecretColumns, now = new Date()): string[] {
  const secrets: string[] = [];
  if (app.webhookSecretEncrypted) secrets.push(open(app.webhookSecretEncrypted));
  if (app.previousWebhookSecretEncrypted && app.previousWebhookSecretExpiresAt && app.previousWebhookSecretExpiresAt > now) {
    secrets.push(open(app.previousWebhookSecretEncrypted));
  }
  return secrets;
}
