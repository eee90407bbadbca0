// Gitea and Forgejo (Forgejo sends both its own headers and Gitea's): X-<Name>-Signature is the
// bare hex HMAC-SHA256 of the raw body, X-<Name>-Event, X-<Name>-Delivery.
import type { WebhookProvider } from "../constants";
import { authorName, firstLine, header, isObject, isZeroSha, obj, readPayload, refParts, requireSha, str } from "./payload";
import { signatureMatchesAny } from "./verify";
import type { NormalizedEvent, VerifyResult, WebhookProviderAdapter } from "./types";

function giteaLike(name: Extract<WebhookProvider, "gitea" | "forgejo">, prefix: string): WebhookProviderAdapter {
  const h = (suffix: string) => `x-${prefix}-${suffix}`;
  return {
    name,
    keptHeaders: [h("event"), h("event-type"), h("delivery"), "content-type", "user-agent"],

    verify(headers, rawBody, secrets): VerifyResult {
      const sent = headers.get(h("signature"));
      if (sent === null) return { ok: false, reason: `signature missing (X-${prefix === "gitea" ? "Gitea" : "Forgejo"}-Signature)` };
      return signatureMatchesAny(sent, rawBody, secrets) ? { ok: true } : { ok: false, reason: "signature does not match" };
    },

    parse(headers, rawBody): NormalizedEvent {
      const event = header(headers, h("event")) ?? "";
      const base = { provider: name, event, deliveryId: header(headers, h("delivery")) };
      const body = readPayload(headers, rawBody);
      if (event !== "push") return { ...base, kind: "other", ref: "", branch: "", isTag: false, deleted: false, sha: "", message: "", author: "" };
      const ref = str(body, "ref");
      const after = str(body, "after");
      const deleted = body.deleted === true || isZeroSha(after);
      const sha = deleted ? "" : requireSha(after, "after");
      const commits = Array.isArray(body.commits) ? body.commits.filter(isObject) : [];
      const head = obj(body, "head_commit") ?? commits.find((c) => str(c, "id").toLowerCase() === sha) ?? commits.at(-1);
      return {
        ...base,
        kind: "push",
        ref,
        ...refParts(ref),
        deleted,
        sha,
        message: firstLine(str(head, "message")),
        author: authorName(str(head, "author.name") || str(body, "pusher.full_name") || str(body, "pusher.login")),
      };
    },
  };
}

export const giteaProvider = giteaLike("gitea", "gitea");
export const forgejoProvider = giteaLike("forgejo", "forgejo");
