// The webhook intake the way providers (and attackers) call it: the real route handler with
// Request objects carrying the documented payload bytes, a real database, no daemon. Every refusal
// must leave nothing behind but the app's rejected counter.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, setupApiTestEnv } from "../../support/api-harness";
import { FixtureFactory } from "../../support/fixtures-factory";
import { PUSH_FIXTURES, genericBody, signedHeaders, webhookFixture, type FixtureProvider } from "../../support/webhook-deliveries";
import * as hook from "@/app/api/hooks/[appId]/route";
import { getDb } from "@/server/db";
import { resetEnvForTests } from "@/server/env";
import type { Actor } from "@/server/auth/actor";
import { rotatedSecretColumns } from "@/server/webhooks/webhook-secrets";
import { redeliverDelivery } from "@/server/webhooks/redeliver-delivery";
import { pruneDeliveries } from "@/server/webhooks/prune-deliveries";
import { DELIVERY_RETENTION_COUNT, DELIVERY_RETENTION_DAYS, MAX_WEBHOOK_BODY_BYTES } from "@/server/webhooks/retention";

const noSecret = { webhookSecretEncrypted: "", previousWebhookSecretEncrypted: "", previousWebhookSecretExpiresAt: null };
const sha = () => randomBytes(20).toString("hex");

function setRateLimit(perMinute: number) {
  process.env.SLIPWAY_WEBHOOKS_PER_MINUTE = String(perMinute);
  resetEnvForTests();
}

export function defineWebhookIntakeSuite(prepare: () => Promise<string | undefined>): void {
  let factory: FixtureFactory;

  beforeAll(async () => {
    const env = setupApiTestEnv({ databaseUrl: await prepare() });
    expect(env.databaseUrl).toBeTruthy();
    setRateLimit(100_000);
    factory = new FixtureFactory(getDb(), { gitUrl: "https://git.example.test/team/app.git" });
  });

  /** A team and an app with deploy on push turned on and a secret, as the settings API leaves it. */
  async function pushApp(options: { branch?: string; filter?: string; deployOnPush?: boolean } = {}) {
    const team = await factory.team();
    const app = await factory.app(team.id);
    const secret = `whsec_${randomBytes(16).toString("hex")}`;
    await getDb().app.update({
      where: { id: app.id },
      data: { ...rotatedSecretColumns(noSecret, secret), deployOnPush: options.deployOnPush ?? true, gitBranch: options.branch ?? "main", pushBranchFilter: options.filter ?? "" },
    });
    return { team, app, secret };
  }

  async function deliver(appId: string, body: Buffer | ReadableStream<Uint8Array>, headers: Record<string, string>) {
    const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body: body instanceof ReadableStream ? body : new Uint8Array(body) };
    if (body instanceof ReadableStream) init.duplex = "half";
    const res = await hook.POST(new Request(`${BASE}/api/hooks/${appId}`, init), { params: Promise.resolve({ appId }) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  const state = async (appId: string) => ({
    deliveries: await getDb().webhookDelivery.findMany({ where: { appId }, orderBy: { receivedAt: "asc" } }),
    builds: await getDb().build.findMany({ where: { appId }, orderBy: { number: "asc" } }),
    app: await getDb().app.findUniqueOrThrow({ where: { id: appId } }),
  });

  describe("a correctly signed push from each provider", () => {
    it.each(Object.keys(PUSH_FIXTURES) as FixtureProvider[])("%s queues a build of exactly the payload's SHA", async (provider) => {
      const fixture = PUSH_FIXTURES[provider];
      const { app, secret } = await pushApp({ branch: fixture.branch });
      const raw = webhookFixture(fixture.file);
      const headers = signedHeaders(provider, raw, secret);
      const res = await deliver(app.id, raw, headers);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json.delivery.outcome).toBe("queued");
      const { builds, deliveries } = await state(app.id);
      expect(builds).toHaveLength(1);
      expect(builds[0]).toMatchObject({ id: res.json.build.id, number: 1, status: "QUEUED", gitRef: fixture.sha, trigger: "push", commitMessage: fixture.message, commitAuthor: fixture.author, createdById: null });
      expect(deliveries).toHaveLength(1);
      const d = deliveries[0]!;
      expect(d).toMatchObject({ provider, outcome: "queued", statusCode: 202, buildId: builds[0]!.id, commitSha: fixture.sha, branch: fixture.branch, payload: raw.toString("utf8") });
      const stored = JSON.parse(d.headers) as Record<string, string>;
      expect(Object.keys(stored).some((k) => /signature|token/.test(k))).toBe(false);
      expect(d.headers).not.toContain(secret);
      const audit = await getDb().auditEvent.findFirst({ where: { targetId: builds[0]!.id } });
      expect(audit).toMatchObject({ actorType: "webhook", action: "app.deploy", teamId: app.teamId });
      expect(audit!.actorLabel).toContain(`${provider} delivery`);
    });
  });

  describe("refusals before the body is trusted", () => {
    it("answers 401 to wrong, missing, re-serialised and SHA-1-only requests, and stores nothing but the counter", async () => {
      const { app, secret } = await pushApp();
      const raw = webhookFixture("github-push.json");
      const good = signedHeaders("github", raw, secret);
      const wrong = signedHeaders("github", raw, "whsec_not-the-secret");
      const { "x-hub-signature-256": _sig, ...missing } = good;
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8"))));
      const sha1Only = { ...missing, "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" };
      const truncated = { ...good, "x-hub-signature-256": good["x-hub-signature-256"]!.slice(0, 40) };
      const attempts: [Buffer, Record<string, string>][] = [[raw, wrong], [raw, missing], [reserialised, good], [raw, sha1Only], [raw, truncated]];
      for (const [body, headers] of attempts) {
        const res = await deliver(app.id, body, headers);
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe("UNAUTHENTICATED");
      }
      const sha1 = await deliver(app.id, raw, sha1Only);
      expect(sha1.json.error.message).toMatch(/SHA-256/);
      const after = await state(app.id);
      expect(after.deliveries).toHaveLength(0);
      expect(after.builds).toHaveLength(0);
      expect(after.app.webhookRejectedCount).toBe(attempts.length + 1);
      expect(after.app.webhookLastRejectedAt).not.toBeNull();
      expect(after.app.webhookLastRejectReason).toMatch(/SHA-256/);
      expect(after.app.webhookLastRejectReason).not.toContain("0123456789abcdef");
    });

    it("refuses app A's secret on app B's URL", async () => {
      const a = await pushApp();
      const b = await pushApp();
      const body = genericBody(sha());
      const res = await deliver(b.app.id, body, signedHeaders("generic", body, a.secret));
      expect(res.status).toBe(401);
      expect((await state(b.app.id)).builds).toHaveLength(0);
      expect((await state(b.app.id)).app.webhookRejectedCount).toBe(1);
    });

    it("answers 404 for an unknown app and 401 'not set up' for an app without a secret", async () => {
      const body = genericBody(sha());
      expect((await deliver("no-such-app", body, signedHeaders("generic", body, "whsec_x"))).status).toBe(404);
      const team = await factory.team();
      const app = await factory.app(team.id);
      const res = await deliver(app.id, body, signedHeaders("generic", body, "whsec_x"));
      expect(res.status).toBe(401);
      expect(res.json.error.message).toMatch(/not set up/);
      const after = await state(app.id);
      expect(after.deliveries).toHaveLength(0);
      expect(after.app.webhookLastRejectReason).toBe("deploy on push is not set up");
    });

    it("refuses a body over 1 MiB with 413 without storing anything, declared or streamed", async () => {
      const { app, secret } = await pushApp();
      const big = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 0x20);
      const headers = signedHeaders("generic", big, secret);
      const declared = await deliver(app.id, big, { ...headers, "content-length": String(big.length) });
      expect(declared.status).toBe(413);
      // No Content-Length: counted while streaming, and the stream is cancelled at the cap.
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 64 * 1024;
          if (pulled > 4 * MAX_WEBHOOK_BODY_BYTES) controller.close();
          else controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
      });
      const streamed = await deliver(app.id, stream, headers);
      expect(streamed.status).toBe(413);
      expect(pulled).toBeLessThan(2 * MAX_WEBHOOK_BODY_BYTES);
      // Exactly the cap is still read (JSON may end in whitespace).
      const small = genericBody(sha());
      const atCap = Buffer.concat([small, Buffer.alloc(MAX_WEBHOOK_BODY_BYTES - small.length, 0x20)]);
      expect(atCap.length).toBe(MAX_WEBHOOK_BODY_BYTES);
      expect((await deliver(app.id, atCap, signedHeaders("generic", atCap, secret))).status).toBe(202);
      const after = await state(app.id);
      expect(after.deliveries).toHaveLength(1);
      expect(after.app.webhookRejectedCount).toBe(0);
    });

    it("rate limits per app with 429, before any signature work, and stores nothing for it", async () => {
      const { app, secret } = await pushApp({ deployOnPush: false });
      const other = await pushApp({ deployOnPush: false });
      setRateLimit(3);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          const body = genericBody(sha());
          statuses.push((await deliver(app.id, body, signedHeaders("generic", body, secret))).status);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        // Another app has its own budget.
        const body = genericBody(sha());
        expect((await deliver(other.app.id, body, signedHeaders("generic", body, other.secret))).status).toBe(200);
      } finally {
        setRateLimit(100_000);
      }
      expect((await state(app.id)).deliveries).toHaveLength(3);
    });
  });

  describe("outcomes recorded as deliveries", () => {
    it("answers a ping with 200 and builds nothing", async () => {
      const { app, secret } = await pushApp();
      const raw = webhookFixture("github-ping.json");
      const res = await deliver(app.id, raw, signedHeaders("github", raw, secret, { event: "ping" }));
      expect(res.status).toBe(200);
      expect(res.json.delivery).toMatchObject({ outcome: "ignored", reason: "ping" });
      const after = await state(app.id);
      expect(after.builds).toHaveLength(0);
      expect(after.deliveries[0]).toMatchObject({ outcome: "ignored", reason: "ping", statusCode: 200, event: "ping" });
    });

    it("ignores a push while deploy on push is off, and events that are not pushes", async () => {
      const off = await pushApp({ deployOnPush: false });
      const body = genericBody(sha());
      const res = await deliver(off.app.id, body, signedHeaders("generic", body, off.secret));
      expect(res.json.delivery).toMatchObject({ outcome: "ignored", reason: "deploy on push is turned off" });
      const on = await pushApp();
      const raw = webhookFixture("github-ping.json");
      const issue = await deliver(on.app.id, raw, signedHeaders("github", raw, on.secret, { event: "issues" }));
      expect(issue.status).toBe(200);
      expect(issue.json.delivery.reason).toBe("event issues is not a push");
      expect((await state(off.app.id)).builds).toHaveLength(0);
      expect((await state(on.app.id)).builds).toHaveLength(0);
    });

    it("ignores tag pushes and branch deletions with the reason", async () => {
      const { app, secret } = await pushApp({ branch: "master" });
      const tag = webhookFixture("github-tag-delete.json");
      expect((await deliver(app.id, tag, signedHeaders("github", tag, secret))).json.delivery).toMatchObject({ outcome: "ignored", reason: "tag push" });
      const gitlabTag = webhookFixture("gitlab-tag-push.json");
      expect((await deliver(app.id, gitlabTag, signedHeaders("gitlab", gitlabTag, secret, { event: "Tag Push Hook" }))).json.delivery.reason).toBe("tag push");
      const del = webhookFixture("gitlab-branch-delete.json");
      expect((await deliver(app.id, del, signedHeaders("gitlab", del, secret))).json.delivery).toMatchObject({ outcome: "ignored", reason: "branch deleted" });
      const bbDel = webhookFixture("bitbucket-branch-delete.json");
      expect((await deliver(app.id, bbDel, signedHeaders("bitbucket", bbDel, secret))).json.delivery.reason).toBe("branch deleted");
      const after = await state(app.id);
      expect(after.builds).toHaveLength(0);
      expect(after.deliveries.map((d) => d.outcome)).toEqual(["ignored", "ignored", "ignored", "ignored"]);
    });

    it("builds only branches that match the filter: the app's branch by default, or a glob", async () => {
      const exact = await pushApp({ branch: "main" });
      const other = genericBody(sha(), { ref: "refs/heads/mainline" });
      const ignored = await deliver(exact.app.id, other, signedHeaders("generic", other, exact.secret));
      expect(ignored.json.delivery.reason).toBe("branch mainline does not match the filter main");
      const main = genericBody(sha(), { ref: "refs/heads/main" });
      expect((await deliver(exact.app.id, main, signedHeaders("generic", main, exact.secret))).status).toBe(202);

      const glob = await pushApp({ branch: "main", filter: "release/*" });
      const release = genericBody(sha(), { ref: "refs/heads/release/1.4" });
      expect((await deliver(glob.app.id, release, signedHeaders("generic", release, glob.secret))).status).toBe(202);
      const deep = genericBody(sha(), { ref: "refs/heads/release/1.4/fix" });
      expect((await deliver(glob.app.id, deep, signedHeaders("generic", deep, glob.secret))).json.delivery.reason).toBe("branch release/1.4/fix does not match the filter release/*");
      expect((await deliver(glob.app.id, main, signedHeaders("generic", main, glob.secret))).json.delivery.reason).toBe("branch main does not match the filter release/*");
      expect((await state(glob.app.id)).builds.map((b) => b.gitRef)).toHaveLength(1);
    });

    it("refuses a push over the team's quota with 422 and records it", async () => {
      const { team, app, secret } = await pushApp();
      await getDb().teamQuota.update({ where: { teamId: team.id }, data: { cpuMillicores: 1 } });
      const body = genericBody(sha());
      const res = await deliver(app.id, body, signedHeaders("generic", body, secret));
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("QUOTA_EXCEEDED");
      const after = await state(app.id);
      expect(after.builds).toHaveLength(0);
      expect(after.deliveries[0]).toMatchObject({ outcome: "refused", statusCode: 422, buildId: null });
      expect(after.deliveries[0]!.reason).toMatch(/cpu quota/);
    });
  });

  describe("one delivery, one build", () => {
    it("answers 100 concurrent copies of one delivery with exactly one build, and no 500", async () => {
      const { app, secret } = await pushApp();
      const body = genericBody(sha());
      const headers = signedHeaders("generic", body, secret, { deliveryId: "same-delivery" });
      const answers = await Promise.all(Array.from({ length: 100 }, () => deliver(app.id, body, headers)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(99);
      const duplicates = answers.filter((a) => a.status === 200);
      const winner = answers.find((a) => a.status === 202)!;
      for (const d of duplicates) expect(d.json).toMatchObject({ duplicate: true, delivery: { id: winner.json.delivery.id }, build: { id: winner.json.build.id } });
      const after = await state(app.id);
      expect(after.builds).toHaveLength(1);
      expect(after.deliveries).toHaveLength(1);
    });

    it("stores every delivery it answers for while duplicate pushes race around ignored ones", async () => {
      const { app, secret } = await pushApp();
      const push = genericBody(sha());
      const pushHeaders = signedHeaders("generic", push, secret, { deliveryId: "racing-push" });
      const ping = webhookFixture("github-ping.json");
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? deliver(app.id, push, pushHeaders) : deliver(app.id, ping, signedHeaders("github", ping, secret, { event: "ping" })))),
      );
      expect(answers.every((a) => a.status === 200 || a.status === 202)).toBe(true);
      const answeredIds = answers.filter((a) => !a.json.duplicate).map((a) => a.json.delivery.id as string);
      expect(answeredIds).toHaveLength(31);
      const stored = await getDb().webhookDelivery.findMany({ where: { appId: app.id }, select: { id: true } });
      expect(new Set(stored.map((d) => d.id))).toEqual(new Set(answeredIds));
      expect((await state(app.id)).builds).toHaveLength(1);
    });

    it("coalesces pushes that arrive while a build is queued into one build of the newest commit", async () => {
      const { app, secret } = await pushApp();
      const shas = [sha(), sha(), sha()];
      const answers = [];
      for (const [i, s] of shas.entries()) {
        const body = genericBody(s, { message: `change ${i}` });
        answers.push(await deliver(app.id, body, signedHeaders("generic", body, secret)));
      }
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
      expect(answers.map((a) => a.json.delivery.outcome)).toEqual(["queued", "coalesced", "coalesced"]);
      expect(answers[2]!.json.delivery.reason).toBe("joined build #1");
      const after = await state(app.id);
      expect(after.builds).toHaveLength(1);
      expect(after.builds[0]).toMatchObject({ status: "QUEUED", gitRef: shas[2], commitMessage: "change 2" });
      expect(after.deliveries.map((d) => d.buildId)).toEqual([after.builds[0]!.id, after.builds[0]!.id, after.builds[0]!.id]);
    });

    it("coalesces 20 different pushes arriving at once into one queued build", async () => {
      const { app, secret } = await pushApp();
      const bodies = Array.from({ length: 20 }, () => genericBody(sha()));
      const answers = await Promise.all(bodies.map((body) => deliver(app.id, body, signedHeaders("generic", body, secret))));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
      expect(answers.filter((a) => a.json.delivery.outcome === "queued")).toHaveLength(1);
      const after = await state(app.id);
      expect(after.builds).toHaveLength(1);
      expect(after.deliveries).toHaveLength(20);
      expect(new Set(after.deliveries.map((d) => d.buildId))).toEqual(new Set([after.builds[0]!.id]));
      expect(bodies.some((b) => b.toString("utf8").includes(after.builds[0]!.gitRef))).toBe(true);
    });

    it("queues one more build for a push that arrives while a build runs", async () => {
      const { app, secret } = await pushApp();
      const first = genericBody(sha());
      const a = await deliver(app.id, first, signedHeaders("generic", first, secret));
      await getDb().build.update({ where: { id: a.json.build.id }, data: { status: "RUNNING", startedAt: new Date() } });
      const second = sha();
      const body = genericBody(second);
      const b = await deliver(app.id, body, signedHeaders("generic", body, secret));
      expect(b.status).toBe(202);
      expect(b.json.delivery.outcome).toBe("queued");
      const after = await state(app.id);
      expect(after.builds.map((x) => [x.number, x.status, x.gitRef])).toEqual([
        [1, "RUNNING", after.builds[0]!.gitRef],
        [2, "QUEUED", second],
      ]);
    });
  });

  describe("secrets", () => {
    it("accepts the previous secret inside its grace period, and not after it", async () => {
      const { app, secret: old } = await pushApp();
      const current = await getDb().app.findUniqueOrThrow({ where: { id: app.id } });
      await getDb().app.update({ where: { id: app.id }, data: rotatedSecretColumns(current, "whsec_the-new-one") });
      const inGrace = genericBody(sha());
      expect((await deliver(app.id, inGrace, signedHeaders("generic", inGrace, old))).status).toBe(202);
      const viaNew = genericBody(sha());
      expect((await deliver(app.id, viaNew, signedHeaders("generic", viaNew, "whsec_the-new-one"))).status).toBe(202);
      await getDb().app.update({ where: { id: app.id }, data: { previousWebhookSecretExpiresAt: new Date(Date.now() - 1000) } });
      const late = genericBody(sha());
      expect((await deliver(app.id, late, signedHeaders("generic", late, old))).status).toBe(401);
      expect((await state(app.id)).deliveries).toHaveLength(2);
    });
  });

  describe("redelivery", () => {
    async function actorFor(teamId: string, teamSlug: string): Promise<Actor> {
      const user = await factory.user({ teamId, role: "DEVELOPER" });
      return { userId: user.id, email: user.email, isPlatformAdmin: false, teamId, teamSlug, role: "DEVELOPER", via: "session" };
    }

    it("queues the stored push again, as a new delivery by the person who asked", async () => {
      const { team, app, secret } = await pushApp({ branch: "main" });
      const raw = webhookFixture("github-push.json");
      const first = await deliver(app.id, raw, signedHeaders("github", raw, secret));
      await getDb().build.update({ where: { id: first.json.build.id }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
      const actor = await actorFor(team.id, team.slug);
      const res = await redeliverDelivery({ actor, appId: app.id, deliveryId: first.json.delivery.id });
      expect(res.status).toBe(202);
      const after = await state(app.id);
      expect(after.builds).toHaveLength(2);
      expect(after.builds[1]).toMatchObject({ trigger: "redeliver", createdById: actor.userId, gitRef: PUSH_FIXTURES.github.sha, status: "QUEUED" });
      const re = after.deliveries[1]!;
      expect(re.deliveryId).toMatch(/^redeliver:/);
      expect(re).toMatchObject({ redeliveryOfId: first.json.delivery.id, redeliveredById: actor.userId, outcome: "queued", buildId: after.builds[1]!.id, provider: "github" });
      // Again while that one is queued: it joins it.
      const again = await redeliverDelivery({ actor, appId: app.id, deliveryId: first.json.delivery.id });
      expect(again.body).toMatchObject({ delivery: { outcome: "coalesced" }, build: { number: 2 } });
      expect(await getDb().auditEvent.count({ where: { actorId: actor.userId, teamId: team.id } })).toBe(2);
    });

    it("keeps an ignored delivery ignored, and hides another team's delivery", async () => {
      const { team, app, secret } = await pushApp();
      const raw = webhookFixture("github-ping.json");
      const ping = await deliver(app.id, raw, signedHeaders("github", raw, secret, { event: "ping" }));
      const res = await redeliverDelivery({ actor: await actorFor(team.id, team.slug), appId: app.id, deliveryId: ping.json.delivery.id });
      expect(res).toMatchObject({ status: 200, body: { delivery: { outcome: "ignored", reason: "ping" } } });
      const stranger = await factory.team();
      await expect(redeliverDelivery({ actor: await actorFor(stranger.id, stranger.slug), appId: app.id, deliveryId: ping.json.delivery.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await state(app.id)).deliveries).toHaveLength(2);
      expect((await state(app.id)).builds).toHaveLength(0);
    });
  });

  describe("retention", () => {
    it("keeps the newest deliveries per app and none older than the retention days", async () => {
      const { team, app } = await pushApp();
      const now = Date.now();
      const row = (i: number, ageMs: number) => ({ teamId: team.id, appId: app.id, provider: "generic", deliveryId: `d-${i}`, event: "push", outcome: "ignored", statusCode: 200, payload: "{}", headers: "{}", receivedAt: new Date(now - ageMs) });
      await getDb().webhookDelivery.createMany({ data: [row(0, (DELIVERY_RETENTION_DAYS + 1) * 24 * 3600_000), ...Array.from({ length: DELIVERY_RETENTION_COUNT + 9 }, (_, i) => row(i + 1, (i + 1) * 1000))] });
      const removed = await pruneDeliveries(app.id, new Date(now));
      expect(removed).toBe(10);
      const left = await getDb().webhookDelivery.findMany({ where: { appId: app.id }, select: { deliveryId: true } });
      expect(left).toHaveLength(DELIVERY_RETENTION_COUNT);
      const ids = new Set(left.map((d) => d.deliveryId));
      expect(ids.has("d-0")).toBe(false);
      expect(ids.has("d-1")).toBe(true);
      expect(ids.has(`d-${DELIVERY_RETENTION_COUNT + 1}`)).toBe(false);
    });
  });
}
