// Each provider adapter against its documented payload: detection from the headers, the
// signature over the exact bytes (wrong, missing, truncated, re-serialised, SHA-1 only), and the
// normalized event it reads.
import * as crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { detectProvider, keptHeaders } from "@/server/webhooks/providers/detect-provider";
import { PayloadError } from "@/server/webhooks/providers/types";
import { PUSH_FIXTURES, signedHeaders, webhookFixture, type FixtureProvider } from "../../support/webhook-deliveries";

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const SECRET = "whsec_unit-test-secret";
const providers = Object.keys(PUSH_FIXTURES) as FixtureProvider[];

function request(provider: FixtureProvider, body: Buffer, headers = signedHeaders(provider, body, SECRET)) {
  const h = new Headers(headers);
  const adapter = detectProvider(h);
  if (!adapter) throw new Error("no provider detected");
  return { h, adapter, body };
}

describe.each(providers)("%s", (provider) => {
  const fixture = PUSH_FIXTURES[provider];
  const raw = webhookFixture(fixture.file);

  it("is detected from its headers and reads the documented push", () => {
    const { h, adapter } = request(provider, raw);
    expect(adapter.name).toBe(provider);
    expect(adapter.verify(h, raw, [SECRET])).toEqual({ ok: true });
    const event = adapter.parse(h, raw);
    expect(event).toMatchObject({ provider, kind: "push", branch: fixture.branch, ref: `refs/heads/${fixture.branch}`, isTag: false, deleted: false, sha: fixture.sha, message: fixture.message, author: fixture.author });
    expect(event.deliveryId).toBeTruthy();
  });

  it("accepts the signature of any accepted secret (the previous one during its grace)", () => {
    const { h, adapter } = request(provider, raw);
    expect(adapter.verify(h, raw, ["whsec_the-new-one", SECRET])).toEqual({ ok: true });
  });

  it("refuses a wrong secret", () => {
    const { h, adapter } = request(provider, raw, signedHeaders(provider, raw, "whsec_someone-else"));
    expect(adapter.verify(h, raw, [SECRET]).ok).toBe(false);
  });

  it("refuses the same JSON re-serialised with other whitespace (the signature is over bytes)", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8"))));
    expect(reserialised.equals(raw)).toBe(false);
    const { h, adapter } = request(provider, reserialised, signedHeaders(provider, raw, SECRET));
    const verdict = adapter.verify(h, reserialised, [SECRET]);
    if (provider === "gitlab") {
      // GitLab signs nothing: its token is the secret itself, whatever the body.
      expect(verdict.ok).toBe(true);
    } else {
      expect(verdict).toEqual({ ok: false, reason: "signature does not match" });
    }
  });

  it("refuses a missing signature", () => {
    const headers = signedHeaders(provider, raw, SECRET);
    for (const name of ["x-hub-signature-256", "x-hub-signature", "x-gitlab-token", "x-gitea-signature", "x-forgejo-signature", "x-slipway-signature"]) delete headers[name];
    const h = new Headers(headers);
    const adapter = detectProvider(h);
    expect(adapter?.name).toBe(provider);
    expect(adapter!.verify(h, raw, [SECRET]).ok).toBe(false);
  });

  it("never keeps the signature or token headers", () => {
    const { h, adapter } = request(provider, raw);
    const kept = keptHeaders(adapter, h);
    expect(Object.keys(kept).some((k) => /signature|token/.test(k))).toBe(false);
    expect(JSON.stringify(kept)).not.toContain(SECRET);
  });
});

describe("signature details", () => {
  const raw = webhookFixture("github-push.json");

  it("refuses a truncated signature", () => {
    const headers = signedHeaders("github", raw, SECRET);
    headers["x-hub-signature-256"] = headers["x-hub-signature-256"]!.slice(0, -2);
    const { h, adapter } = request("github", raw, headers);
    expect(adapter.verify(h, raw, [SECRET])).toEqual({ ok: false, reason: "signature does not match" });
  });

  it("refuses GitHub's SHA-1 X-Hub-Signature alone, saying SHA-256 is required", () => {
    const sha1 = crypto.createHmac("sha1", SECRET).update(raw).digest("hex");
    const h = new Headers({ "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature": `sha1=${sha1}` });
    const adapter = detectProvider(h)!;
    expect(adapter.name).toBe("github");
    const verdict = adapter.verify(h, raw, [SECRET]);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(/SHA-256 \(X-Hub-Signature-256\) is required/);
  });

  it("refuses Bitbucket's signature without its sha256= prefix", () => {
    const body = webhookFixture("bitbucket-push.json");
    const headers = signedHeaders("bitbucket", body, SECRET);
    headers["x-hub-signature"] = headers["x-hub-signature"]!.replace("sha256=", "");
    const { h, adapter } = request("bitbucket", body, headers);
    expect(adapter.verify(h, body, [SECRET]).ok).toBe(false);
  });

  it("compares GitLab's token in constant time whatever its length", () => {
    const body = webhookFixture("gitlab-push.json");
    for (const token of ["", "x", SECRET.slice(0, -1), `${SECRET}x`]) {
      const h = new Headers({ ...signedHeaders("gitlab", body, SECRET), "x-gitlab-token": token });
      expect(detectProvider(h)!.verify(h, body, [SECRET]).ok).toBe(false);
    }
  });

  it("uses crypto.timingSafeEqual on equal-length digests for every provider", () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    for (const provider of providers) {
      const body = webhookFixture(PUSH_FIXTURES[provider].file);
      spy.mockClear();
      const headers = signedHeaders(provider, body, SECRET);
      const h = new Headers(headers);
      detectProvider(h)!.verify(h, body, [SECRET, "whsec_previous"]);
      // One comparison per accepted secret, none skipped after a match.
      expect(spy, provider).toHaveBeenCalledTimes(2);
      for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
    }
  });
});

describe("events that build nothing", () => {
  it("reads GitHub's ping", () => {
    const raw = webhookFixture("github-ping.json");
    const { h, adapter } = request("github", raw, signedHeaders("github", raw, SECRET, { event: "ping" }));
    expect(adapter.parse(h, raw)).toMatchObject({ kind: "ping", event: "ping" });
  });

  it("reads GitHub's documented tag deletion as a deleted tag", () => {
    const raw = webhookFixture("github-tag-delete.json");
    const { h, adapter } = request("github", raw);
    expect(adapter.parse(h, raw)).toMatchObject({ kind: "push", isTag: true, deleted: true, branch: "simple-tag", sha: "" });
  });

  it("reads another GitHub event as other", () => {
    const raw = webhookFixture("github-ping.json");
    const { h, adapter } = request("github", raw, signedHeaders("github", raw, SECRET, { event: "issues" }));
    expect(adapter.parse(h, raw)).toMatchObject({ kind: "other", event: "issues" });
  });

  it("reads GitLab's tag push and branch deletion", () => {
    const tag = webhookFixture("gitlab-tag-push.json");
    const t = request("gitlab", tag, signedHeaders("gitlab", tag, SECRET, { event: "Tag Push Hook" }));
    expect(t.adapter.parse(t.h, tag)).toMatchObject({ kind: "push", isTag: true, branch: "v1.0.0", sha: "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7" });
    const del = webhookFixture("gitlab-branch-delete.json");
    const d = request("gitlab", del);
    expect(d.adapter.parse(d.h, del)).toMatchObject({ kind: "push", deleted: true, branch: "master", sha: "" });
  });

  it("reads Bitbucket's branch deletion (new: null)", () => {
    const raw = webhookFixture("bitbucket-branch-delete.json");
    const { h, adapter } = request("bitbucket", raw);
    expect(adapter.parse(h, raw)).toMatchObject({ kind: "push", deleted: true, branch: "feature/old", isTag: false });
  });

  it("reads a Gitea push whose after is all zeros as a deletion", () => {
    const raw = Buffer.from(webhookFixture("gitea-push.json").toString("utf8").replace('"after": "bffeb74224043ba2feb48d137756c8a9331c449a"', `"after": "${"0".repeat(40)}"`));
    const { h, adapter } = request("gitea", raw);
    expect(adapter.parse(h, raw)).toMatchObject({ kind: "push", deleted: true, sha: "" });
  });

  it("reads GitHub's form-encoded payload", () => {
    const json = webhookFixture("github-push.json").toString("utf8");
    const raw = Buffer.from(new URLSearchParams({ payload: json }).toString());
    const headers = { ...signedHeaders("github", raw, SECRET), "content-type": "application/x-www-form-urlencoded" };
    const { h, adapter } = request("github", raw, headers);
    expect(adapter.verify(h, raw, [SECRET]).ok).toBe(true);
    expect(adapter.parse(h, raw).sha).toBe(PUSH_FIXTURES.github.sha);
  });
});

describe("malformed bodies", () => {
  it("refuses a push without a commit SHA, and a generic delivery without its id", () => {
    const raw = Buffer.from(JSON.stringify({ ref: "refs/heads/main", sha: "main" }));
    const { h, adapter } = request("generic", raw);
    expect(() => adapter.parse(h, raw)).toThrow(PayloadError);
    const ok = Buffer.from(JSON.stringify({ ref: "refs/heads/main", sha: "a".repeat(40) }));
    const headers = signedHeaders("generic", ok, SECRET);
    delete headers["x-slipway-delivery"];
    const h2 = new Headers(headers);
    expect(() => detectProvider(h2)!.parse(h2, ok)).toThrow(/X-Slipway-Delivery is required/);
  });

  it("refuses a body that is not JSON", () => {
    const raw = Buffer.from("not json");
    const { h, adapter } = request("github", raw);
    expect(() => adapter.parse(h, raw)).toThrow(/not JSON/);
  });

  it("detects nothing without a provider's headers", () => {
    expect(detectProvider(new Headers({ "content-type": "application/json" }))).toBeNull();
  });
});
