// For any CI: X-Slipway-Signature `sha256=<hex HMAC-SHA256 of the raw body>`, X-Slipway-Delivery
// (required: any unique string of at most 200 characters), and the body
// {"ref":"refs/heads/main","sha":"<40 hex>","message"?:string,"author"?:string}.
import { authorName, firstLine, header, readPayload, refParts, requireSha, str } from "./payload";
import { signatureMatchesAny, sha256Param } from "./verify";
import { PayloadError, type NormalizedEvent, type VerifyResult, type WebhookProviderAdapter } from "./types";

const DELIVERY_MAX = 200;

export const genericProvider: WebhookProviderAdapter = {
  name: "generic",
  keptHeaders: ["x-slipway-delivery", "content-type", "user-agent"],

  verify(headers, rawBody, secrets): VerifyResult {
    const hex = sha256Param(headers.get("x-slipway-signature"));
    if (hex === null) return { ok: false, reason: "signature missing (X-Slipway-Signature: sha256=<hex>)" };
    return signatureMatchesAny(hex, rawBody, secrets) ? { ok: true } : { ok: false, reason: "signature does not match" };
  },

  parse(headers, rawBody): NormalizedEvent {
    const deliveryId = header(headers, "x-slipway-delivery");
    if (!deliveryId) throw new PayloadError("X-Slipway-Delivery is required (a unique id per delivery)");
    if (deliveryId.length > DELIVERY_MAX) throw new PayloadError(`X-Slipway-Delivery must be at most ${DELIVERY_MAX} characters`);
    const body = readPayload(headers, rawBody);
    const given = str(body, "ref");
    if (!given) throw new PayloadError('"ref" is required (e.g. "refs/heads/main")');
    // A bare branch name is read as refs/heads/<name>.
    const ref = given.startsWith("refs/") ? given : `refs/heads/${given}`;
    return {
      provider: "generic",
      event: "push",
      deliveryId,
      kind: "push",
      ref,
      ...refParts(ref),
      deleted: false,
      sha: requireSha(str(body, "sha"), '"sha"'),
      message: firstLine(str(body, "message")),
      author: authorName(str(body, "author")),
    };
  },
};
