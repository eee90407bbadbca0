// GitHub: X-Hub-Signature-256 `sha256=<hex>` over the raw body; X-GitHub-Event push | ping | …;
// X-GitHub-Delivery. The legacy SHA-1 X-Hub-Signature alone is refused.
import { authorName, firstLine, header, isZeroSha, readPayload, refParts, requireSha, str } from "./payload";
import { signatureMatchesAny, sha256Param } from "./verify";
import type { NormalizedEvent, VerifyResult, WebhookProviderAdapter } from "./types";

export const githubProvider: WebhookProviderAdapter = {
  name: "github",
  keptHeaders: ["x-github-event", "x-github-delivery", "x-github-hook-id", "x-github-hook-installation-target-type", "content-type", "user-agent"],

  verify(headers, rawBody, secrets): VerifyResult {
    const sent = headers.get("x-hub-signature-256");
    if (sent === null) {
      return headers.get("x-hub-signature") !== null
        ? { ok: false, reason: "only the SHA-1 X-Hub-Signature was sent: SHA-256 (X-Hub-Signature-256) is required" }
        : { ok: false, reason: "signature missing (X-Hub-Signature-256)" };
    }
    const hex = sha256Param(sent);
    if (hex === null || !signatureMatchesAny(hex, rawBody, secrets)) return { ok: false, reason: "signature does not match" };
    return { ok: true };
  },

  parse(headers, rawBody): NormalizedEvent {
    const event = header(headers, "x-github-event") ?? "";
    const base = { provider: "github" as const, event, deliveryId: header(headers, "x-github-delivery") };
    const body = readPayload(headers, rawBody);
    if (event === "ping") return { ...base, kind: "ping", ref: "", branch: "", isTag: false, deleted: false, sha: "", message: "", author: "" };
    if (event !== "push") return { ...base, kind: "other", ref: "", branch: "", isTag: false, deleted: false, sha: "", message: "", author: "" };
    const ref = str(body, "ref");
    const after = str(body, "after");
    const deleted = body.deleted === true || isZeroSha(after);
    return {
      ...base,
      kind: "push",
      ref,
      ...refParts(ref),
      deleted,
      sha: deleted ? "" : requireSha(after, "after"),
      message: firstLine(str(body, "head_commit.message")),
      author: authorName(str(body, "head_commit.author.name") || str(body, "pusher.name")),
    };
  },
};
