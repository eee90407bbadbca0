// GitLab: X-Gitlab-Token is the secret itself (compared in constant time); X-Gitlab-Event
// "Push Hook" / "Tag Push Hook"; X-Gitlab-Event-UUID identifies the delivery (Idempotency-Key on
// newer versions, the same for retries of one event).
import { authorName, firstLine, header, isObject, isZeroSha, readPayload, refParts, requireSha, str } from "./payload";
import { tokenMatchesAny } from "./verify";
import type { NormalizedEvent, VerifyResult, WebhookProviderAdapter } from "./types";

const PUSH_KINDS = new Set(["push", "tag_push"]);

export const gitlabProvider: WebhookProviderAdapter = {
  name: "gitlab",
  keptHeaders: ["x-gitlab-event", "x-gitlab-event-uuid", "x-gitlab-webhook-uuid", "x-gitlab-instance", "idempotency-key", "content-type", "user-agent"],

  verify(headers, _rawBody, secrets): VerifyResult {
    const token = headers.get("x-gitlab-token");
    if (token === null) return { ok: false, reason: "token missing (X-Gitlab-Token)" };
    return tokenMatchesAny(token, secrets) ? { ok: true } : { ok: false, reason: "token does not match" };
  },

  parse(headers, rawBody): NormalizedEvent {
    const body = readPayload(headers, rawBody);
    const event = header(headers, "x-gitlab-event") ?? str(body, "object_kind");
    const deliveryId = header(headers, "x-gitlab-event-uuid") ?? header(headers, "idempotency-key");
    const base = { provider: "gitlab" as const, event, deliveryId };
    const kind = str(body, "object_kind");
    if (!PUSH_KINDS.has(kind)) return { ...base, kind: "other", ref: "", branch: "", isTag: false, deleted: false, sha: "", message: "", author: "" };
    const ref = str(body, "ref");
    const after = str(body, "after");
    // A deletion has after = 000… and checkout_sha null; otherwise checkout_sha is the commit to build.
    const deleted = isZeroSha(after);
    const sha = deleted ? "" : requireSha(str(body, "checkout_sha") || after, "checkout_sha");
    const commits = Array.isArray(body.commits) ? body.commits.filter(isObject) : [];
    const head = commits.find((c) => str(c, "id").toLowerCase() === sha) ?? commits.at(-1);
    return {
      ...base,
      kind: "push",
      ref,
      ...refParts(ref),
      isTag: kind === "tag_push" || refParts(ref).isTag,
      deleted,
      sha,
      message: firstLine(str(head, "message")),
      author: authorName(str(head, "author.name") || str(body, "user_name")),
    };
  },
};
