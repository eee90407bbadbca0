// What every provider adapter turns a request into, so that the rest of the intake (outcome,
// dedupe, enqueue) never looks at a provider's own payload shape again.
import type { WebhookProvider } from "../constants";

export type WebhookEventKind = "push" | "ping" | "other";

/** One push (or ping, or other event), the same for every provider. */
export interface NormalizedEvent {
  provider: WebhookProvider;
  /** The provider's own event name ("push", "Push Hook", "repo:push", …). */
  event: string;
  /** The provider's delivery id; null when the request carried none. */
  deliveryId: string | null;
  kind: WebhookEventKind;
  /** The full ref ("refs/heads/main"); "" when the event is not about a ref. */
  ref: string;
  /** The branch or tag name without its refs/… prefix. */
  branch: string;
  isTag: boolean;
  /** The ref was deleted by this push (nothing to build). */
  deleted: boolean;
  /** The commit to build, exactly as the payload names it; "" for a deletion or a non-push. */
  sha: string;
  /** The head commit's first line and its author's name ("" when the payload has none). */
  message: string;
  author: string;
}

/** Why a request's signature was not accepted: short, fixed texts (never request data). */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface WebhookProviderAdapter {
  name: WebhookProvider;
  /**
   * The (lower-case) headers kept with a delivery: enough to identify it and to parse it again
   * on redelivery. Never the signature or token headers.
   */
  keptHeaders: readonly string[];
  /** Checks the signature over the exact bytes received, against each accepted secret. */
  verify(headers: Headers, rawBody: Buffer, secrets: readonly string[]): VerifyResult;
  /** Reads a verified body; throws PayloadError when it is not what the provider documents. */
  parse(headers: Headers, rawBody: Buffer): NormalizedEvent;
}

/** A verified body that cannot be read as the provider's event. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PayloadError";
  }
}
