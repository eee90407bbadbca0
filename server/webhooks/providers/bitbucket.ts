// Bitbucket Cloud: X-Hub-Signature `sha256=<hex>` over the raw body, X-Event-Key repo:push,
// X-Request-UUID. A push lists its ref updates in push.changes: `new` is null for a deletion and
// `new.target.hash` is the commit.
import { authorName, firstLine, header, isObject, readPayload, requireSha, str } from "./payload";
import { signatureMatchesAny, sha256Param } from "./verify";
import { PayloadError, type NormalizedEvent, type VerifyResult, type WebhookProviderAdapter } from "./types";

export const bitbucketProvider: WebhookProviderAdapter = {
  name: "bitbucket",
  keptHeaders: ["x-event-key", "x-request-uuid", "x-hook-uuid", "x-attempt-number", "content-type", "user-agent"],

  verify(headers, rawBody, secrets): VerifyResult {
    const sent = headers.get("x-hub-signature");
    if (sent === null) return { ok: false, reason: "signature missing (X-Hub-Signature)" };
    const hex = sha256Param(sent);
    if (hex === null) return { ok: false, reason: "signature is not sha256=<hex>" };
    return signatureMatchesAny(hex, rawBody, secrets) ? { ok: true } : { ok: false, reason: "signature does not match" };
  },

  parse(headers, rawBody): NormalizedEvent {
    const event = header(headers, "x-event-key") ?? "";
    const base = { provider: "bitbucket" as const, event, deliveryId: header(headers, "x-request-uuid") };
    const body = readPayload(headers, rawBody);
    const none = { ref: "", branch: "", isTag: false, deleted: false, sha: "", message: "", author: "" };
    if (event === "diagnostics:ping") return { ...base, kind: "ping", ...none };
    if (event !== "repo:push") return { ...base, kind: "other", ...none };
    const changes = isObject(body.push) && Array.isArray(body.push.changes) ? body.push.changes.filter(isObject) : [];
    const change = changes[0];
    if (!change) throw new PayloadError("push.changes is empty");
    const created = isObject(change.new) ? change.new : null;
    const side = created ?? (isObject(change.old) ? change.old : null);
    if (!side) throw new PayloadError("push.changes[0] has neither new nor old");
    const type = str(side, "type");
    const name = str(side, "name");
    const isTag = type === "tag" || type === "annotated_tag";
    const ref = `${isTag ? "refs/tags/" : "refs/heads/"}${name}`;
    if (!created) return { ...base, kind: "push", ...none, ref, branch: name, isTag, deleted: true };
    const target = isObject(created.target) ? created.target : {};
    return {
      ...base,
      kind: "push",
      ref,
      branch: name,
      isTag,
      deleted: false,
      sha: requireSha(str(target, "hash"), "push.changes[0].new.target.hash"),
      message: firstLine(str(target, "message")),
      author: authorName(str(target, "author.user.display_name") || str(target, "author.raw")),
    };
  },
};
