// Deploy-on-push settings and the deliveries log through the API, the way a member, a viewer and
// another team would call it: real sessions, a real database. The secret is shown once (first
// switch-on, rotation) and never again; a rotated-out secret is still accepted for 24 h (read back
// through acceptedWebhookSecrets, as the intake reads it); a refused change changes nothing and
// records nothing; another team's app, delivery or secret is "not found".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv } from "../../support/api-harness";
import { FixtureFactory } from "../../support/fixtures-factory";
import * as webhookRoute from "@/app/api/v1/apps/[appId]/webhook/route";
import * as secretRoute from "@/app/api/v1/apps/[appId]/webhook/secret/route";
import * as deliveriesRoute from "@/app/api/v1/apps/[appId]/deliveries/route";
import * as deliveryRoute from "@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/route";
import type { Db } from "@/server/db";
import { acceptedWebhookSecrets, PREVIOUS_SECRET_GRACE_MS } from "@/server/webhooks/webhook-secrets";
import { webhookUrl } from "@/server/webhooks/webhook-url";

interface Who {
  id: string;
  cookie: string;
}

const HOUR = 3_600_000;

export function defineWebhookSettingsSuite(prepare: () => Promise<string | undefined>): void {
  let db: Db;
  let factory: FixtureFactory;
  let teamA: { id: string };
  let teamB: { id: string };
  let developer: Who;
  let viewer: Who;
  let ownerB: Who;

  const who = async (teamId: string, role: "OWNER" | "DEVELOPER" | "VIEWER"): Promise<Who> => {
    const u = await factory.user({ teamId, role });
    return { id: u.id, cookie: await factory.sessionCookie(u.id) };
  };

  const getSettings = (appId: string, as: Who) => call(webhookRoute.GET, "GET", `/api/v1/apps/${appId}/webhook`, { cookie: as.cookie, params: { appId } });
  const patch = (appId: string, as: Who, body: unknown) => call(webhookRoute.PATCH, "PATCH", `/api/v1/apps/${appId}/webhook`, { cookie: as.cookie, params: { appId }, body });
  const rotate = (appId: string, as: Who) => call(secretRoute.POST, "POST", `/api/v1/apps/${appId}/webhook/secret`, { cookie: as.cookie, params: { appId } });
  const list = (appId: string, as: Who, query = "") => call(deliveriesRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries${query}`, { cookie: as.cookie, params: { appId } });
  const detail = (appId: string, deliveryId: string, as: Who) =>
    call(deliveryRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries/${deliveryId}`, { cookie: as.cookie, params: { appId, deliveryId } });
  const redeliverRoute = () => import("@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/redeliver/route");
  const redeliver = async (appId: string, deliveryId: string, as: Who) =>
    call((await redeliverRoute()).POST, "POST", `/api/v1/apps/${appId}/deliveries/${deliveryId}/redeliver`, { cookie: as.cookie, params: { appId, deliveryId } });

  const appRow = (appId: string) => db.app.findUniqueOrThrow({ where: { id: appId } });
  const newApp = async () => (await factory.app(teamA.id)).id;

  beforeAll(async () => {
    process.env.SLIPWAY_API_MUTATIONS_PER_MINUTE = "100000";
    setupApiTestEnv({ databaseUrl: await prepare() });
    const { getDb } = await import("@/server/db");
    db = getDb();
    // Nothing here clones: the URL only has to be stored.
    factory = new FixtureFactory(db, { gitUrl: "file:///nonexistent/fixture.git" });
    teamA = await factory.team("alpha");
    teamB = await factory.team("beta");
    developer = await who(teamA.id, "DEVELOPER");
    viewer = await who(teamA.id, "VIEWER");
    ownerB = await who(teamB.id, "OWNER");
  });

  afterAll(async () => {
    const { getDb } = await import("@/server/db");
    await getDb().$disconnect();
  });

  describe("settings", () => {
    it("starts off, with the app's branch as the filter, the one webhook URL and no secret", async () => {
      const appId = await newApp();
      const res = await getSettings(appId, viewer);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toMatchObject({
        url: webhookUrl(appId),
        deployOnPush: false,
        branchFilter: "",
        effectiveBranchFilter: "main",
        hasSecret: false,
        previousSecretExpiresAt: null,
        rotationGraceHours: 24,
        rejectedCount: 0,
        lastRejectedAt: null,
        can: { write: false, deploy: false },
      });
      expect(res.json.url).toBe(`http://localhost:3000/api/hooks/${appId}`);
      expect(res.json).not.toHaveProperty("secret");
      expect((await getSettings(appId, developer)).json.can).toEqual({ write: true, deploy: true });
    });

    it("generates a secret the first time deploy on push is turned on, answers it once, and never again", async () => {
      const appId = await newApp();
      const on = await patch(appId, developer, { deployOnPush: true });
      expect(on.status, JSON.stringify(on.json)).toBe(200);
      expect(on.json.deployOnPush).toBe(true);
      expect(on.json.hasSecret).toBe(true);
      const secret = on.json.secret as string;
      expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      // What the intake will check signatures with is exactly what the user was shown.
      expect(acceptedWebhookSecrets(await appRow(appId))).toEqual([secret]);
      // Sealed at rest, not stored as plaintext.
      expect((await appRow(appId)).webhookSecretEncrypted).not.toContain(secret);

      for (const as of [developer, viewer]) {
        const read = await getSettings(appId, as);
        expect(read.status).toBe(200);
        expect(read.json).not.toHaveProperty("secret");
        expect(JSON.stringify(read.json)).not.toContain(secret);
        expect(read.json.hasSecret).toBe(true);
      }
      // Later changes, switching off and on again included, keep the secret and do not show it.
      for (const body of [{ branchFilter: "release/*" }, { deployOnPush: false }, { deployOnPush: true }]) {
        const res = await patch(appId, developer, body);
        expect(res.status, JSON.stringify(body)).toBe(200);
        expect(res.json, JSON.stringify(body)).not.toHaveProperty("secret");
      }
      expect(acceptedWebhookSecrets(await appRow(appId))).toEqual([secret]);
      const after = await getSettings(appId, developer);
      expect(after.json).toMatchObject({ deployOnPush: true, branchFilter: "release/*", effectiveBranchFilter: "release/*" });
    });

    it("of two first switch-ons at once, only one shows a secret, and it is the one stored", async () => {
      const appId = await newApp();
      const [a, b] = await Promise.all([patch(appId, developer, { deployOnPush: true }), patch(appId, developer, { deployOnPush: true })]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const shown = [a.json.secret, b.json.secret].filter(Boolean);
      expect(shown).toHaveLength(1);
      expect(acceptedWebhookSecrets(await appRow(appId))).toEqual(shown);
    });

    it("rotates: a new secret once, the previous one still accepted for 24 hours, the one before that dropped", async () => {
      const appId = await newApp();
      const first = (await patch(appId, developer, { deployOnPush: true })).json.secret as string;
      const before = Date.now();
      const r1 = await rotate(appId, developer);
      expect(r1.status, JSON.stringify(r1.json)).toBe(201);
      const second = r1.json.secret as string;
      expect(second).toMatch(/^whsec_[0-9a-f]{64}$/);
      expect(second).not.toBe(first);
      expect(r1.json.settings).not.toHaveProperty("secret");
      expect(JSON.stringify(r1.json.settings)).not.toContain(second);

      const row = await appRow(appId);
      expect(acceptedWebhookSecrets(row)).toEqual([second, first]);
      const expires = row.previousWebhookSecretExpiresAt!.getTime();
      expect(expires).toBeGreaterThanOrEqual(before + PREVIOUS_SECRET_GRACE_MS - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + PREVIOUS_SECRET_GRACE_MS + 1000);
      expect(Math.abs(expires - before - 24 * HOUR)).toBeLessThan(60_000);
      expect(r1.json.settings.previousSecretExpiresAt).toBe(row.previousWebhookSecretExpiresAt!.toISOString());
      // After the grace period only the new one is.
      expect(acceptedWebhookSecrets(row, new Date(expires + 1))).toEqual([second]);

      const r2 = await rotate(appId, developer);
      expect(r2.status).toBe(201);
      expect(acceptedWebhookSecrets(await appRow(appId))).toEqual([r2.json.secret, second]);
      const read = await getSettings(appId, viewer);
      for (const s of [first, second, r2.json.secret]) expect(JSON.stringify(read.json)).not.toContain(s);
    });

    it("validates the branch filter with clear messages and changes nothing on a refusal", async () => {
      const appId = await newApp();
      await patch(appId, developer, { deployOnPush: true, branchFilter: "main" });
      const rowBefore = await appRow(appId);
      const auditBefore = await db.auditEvent.count();
      const bad: [string, RegExp][] = [
        ["feature branch", /spaces/],
        ["release/../main", /'\.\.'/],
        ["refs/heads/main", /without refs\/heads/],
        ["-main", /start with '-'/],
        ["/main", /'\/'/],
        ["main/", /'\/'/],
        ["a//b", /'\/\/'/],
        ["release/.hidden", /start with '\.'/],
        ["main.lock", /\.lock/],
        ["main.", /end with '\.'/],
        ["main~1", /~/],
        ["HEAD^", /\^/],
        ["a:b", /:/],
        ["a\\b", /\\/],
        ["[ab]", /\[/],
        ["main@{1}", /@\{/],
        ["@", /@/],
        ["***", /\*\*\*/],
        ["x".repeat(201), /at most 200/],
      ];
      for (const [branchFilter, message] of bad) {
        const res = await patch(appId, developer, { branchFilter });
        expect(res.status, branchFilter).toBe(422);
        expect(res.json.error.code, branchFilter).toBe("VALIDATION");
        expect(res.json.error.fields[0].path, branchFilter).toBe("branchFilter");
        expect(res.json.error.message, branchFilter).toMatch(message);
      }
      // A refusal of one field refuses the whole change: the switch is not flipped either.
      const mixed = await patch(appId, developer, { deployOnPush: false, branchFilter: "no good" });
      expect(mixed.status).toBe(422);
      expect(await appRow(appId)).toEqual(rowBefore);
      expect(await db.auditEvent.count()).toBe(auditBefore);

      for (const [branchFilter, effective] of [
        ["release/*", "release/*"],
        ["feature/**", "feature/**"],
        ["v?.x", "v?.x"],
        ["  hotfix-1  ", "hotfix-1"],
        ["x".repeat(200), "x".repeat(200)],
        ["", "main"],
      ]) {
        const res = await patch(appId, developer, { branchFilter });
        expect(res.status, `${branchFilter}: ${JSON.stringify(res.json)}`).toBe(200);
        expect(res.json.effectiveBranchFilter, branchFilter).toBe(effective);
      }
    });

    it("audits every change, and never the secret", async () => {
      const appId = await newApp();
      const since = new Date(Date.now() - 1000);
      const secret = (await patch(appId, developer, { deployOnPush: true })).json.secret as string;
      await patch(appId, developer, { branchFilter: "release/*" });
      // No change, nothing to record.
      await patch(appId, developer, { branchFilter: "release/*" });
      const rotated = (await rotate(appId, developer)).json.secret as string;
      const events = await db.auditEvent.findMany({ where: { targetId: appId, createdAt: { gte: since } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      expect(events.map((e) => e.action)).toEqual(["app.webhook.update", "app.webhook.update", "app.webhook.secret.rotate"]);
      for (const e of events) {
        expect(e.actorId).toBe(developer.id);
        expect(e.teamId).toBe(teamA.id);
        expect(e.data).not.toContain(secret);
        expect(e.data).not.toContain(rotated);
        expect(e.data).not.toMatch(/whsec_/);
      }
      expect(JSON.parse(events[0]!.data)).toMatchObject({ changes: { deployOnPush: { from: false, to: true } }, secretGenerated: true });
      expect(JSON.parse(events[1]!.data)).toMatchObject({ changes: { branchFilter: { from: "", to: "release/*" } } });
      expect(JSON.parse(events[2]!.data).previousSecretValidUntil).toBeTruthy();
    });

    it("a viewer reads the settings but may not change them or rotate the secret", async () => {
      const appId = await newApp();
      const secret = (await patch(appId, developer, { deployOnPush: true })).json.secret as string;
      const rowBefore = await appRow(appId);
      expect((await getSettings(appId, viewer)).status).toBe(200);
      expect((await patch(appId, viewer, { deployOnPush: false })).status).toBe(403);
      const r = await rotate(appId, viewer);
      expect(r.status).toBe(403);
      expect(JSON.stringify(r.json)).not.toMatch(/whsec_/);
      expect(await appRow(appId)).toEqual(rowBefore);
      expect(acceptedWebhookSecrets(await appRow(appId))).toEqual([secret]);
    });

    it("another team's app is not found: settings, change, rotate", async () => {
      const appId = await newApp();
      await patch(appId, developer, { deployOnPush: true });
      const rowBefore = await appRow(appId);
      for (const res of [await getSettings(appId, ownerB), await patch(appId, ownerB, { deployOnPush: false }), await rotate(appId, ownerB)]) {
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.json)).not.toContain(appId);
        expect(JSON.stringify(res.json)).not.toMatch(/whsec_/);
      }
      expect(await appRow(appId)).toEqual(rowBefore);
    });
  });

  describe("deliveries", () => {
    let appId: string;
    let ids: string[]; // newest first

    beforeAll(async () => {
      appId = await newApp();
      const build = await factory.build(teamA.id, appId, "QUEUED");
      const base = Date.now() - 60_000;
      const made = [];
      for (let i = 0; i < 5; i += 1) {
        const d = await factory.delivery(teamA.id, appId);
        // Two deliveries in the same millisecond: the id breaks the tie, pages neither skip nor repeat.
        const receivedAt = new Date(base + Math.min(i, 3) * 1000);
        made.push(await db.webhookDelivery.update({ where: { id: d.id }, data: { receivedAt, ...(i === 2 ? { outcome: "queued", reason: "", statusCode: 202, buildId: build.id } : {}) } }));
      }
      ids = made.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? 1 : -1)).map((d) => d.id);
    });

    it("lists newest first in pages, with the build number of what a delivery queued", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list(appId, viewer, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.json.items.map((d: { id: string }) => d.id));
        cursor = res.json.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(seen).toEqual(ids);
      expect(pages).toBe(3);

      const all = await list(appId, viewer);
      const queued = all.json.items.find((d: { outcome: string }) => d.outcome === "queued");
      expect(queued).toMatchObject({ provider: "github", event: "push", branch: "main", statusCode: 202, buildNumber: 1 });
      expect(queued.commitSha).toMatch(/^[0-9a-f]{40}$/);
      const ignored = all.json.items.find((d: { outcome: string }) => d.outcome === "ignored");
      expect(ignored).toMatchObject({ buildId: null, buildNumber: null, reason: "deploy on push is off" });
      expect(all.json.items[0]).not.toHaveProperty("payload");
    });

    it("refuses a page size over 100 and a cursor it did not make", async () => {
      expect((await list(appId, viewer, "?limit=101")).status).toBe(422);
      expect((await list(appId, viewer, "?limit=100")).status).toBe(200);
      const bad = await list(appId, viewer, "?cursor=not-a-cursor");
      expect(bad.status).toBe(422);
      expect(bad.json.error.message).toMatch(/cursor/);
    });

    it("shows one delivery with its payload pretty-printed and its headers", async () => {
      const res = await detail(appId, ids[0]!, viewer);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.payload).toContain('\n  "ref": "refs/heads/main"');
      expect(JSON.parse(res.json.payload).ref).toBe("refs/heads/main");
      expect(res.json.headers["x-github-event"]).toBe("push");
      expect(res.json.headers["x-github-delivery"]).toBe(res.json.deliveryId);
    });

    it("shows a payload that is not JSON exactly as received", async () => {
      const d = await factory.delivery(teamA.id, appId);
      await db.webhookDelivery.update({ where: { id: d.id }, data: { payload: "payload=%7B%7D", headers: "not json" } });
      const res = await detail(appId, d.id, viewer);
      expect(res.status).toBe(200);
      expect(res.json.payload).toBe("payload=%7B%7D");
      expect(res.json.headers).toEqual({});
      await db.webhookDelivery.delete({ where: { id: d.id } });
    });

    it("a delivery is found only under its own app", async () => {
      const otherApp = await newApp();
      expect((await detail(otherApp, ids[0]!, developer)).status).toBe(404);
      expect((await list(otherApp, developer)).json.items).toEqual([]);
    });

    it("another team's deliveries, delivery and redelivery are not found", async () => {
      const deliveryCount = await db.webhookDelivery.count();
      const buildCount = await db.build.count();
      for (const res of [await list(appId, ownerB), await detail(appId, ids[0]!, ownerB), await redeliver(appId, ids[0]!, ownerB)]) {
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.json)).not.toContain(ids[0]!);
      }
      // The other team's own app id with this team's delivery is no way in either.
      const appB = await factory.app(teamB.id);
      expect((await detail(appB.id, ids[0]!, ownerB)).status).toBe(404);
      expect((await redeliver(appB.id, ids[0]!, ownerB)).status).toBe(404);
      expect(await db.webhookDelivery.count()).toBe(deliveryCount);
      expect(await db.build.count()).toBe(buildCount);
    });

    it("a member who may deploy redelivers: a new delivery, newest in the list, pointing at the original", async () => {
      const res = await redeliver(appId, ids[3]!, developer);
      expect([200, 202], JSON.stringify(res.json)).toContain(res.status);
      const page = await list(appId, developer, "?limit=1");
      const newest = page.json.items[0];
      expect(newest.redeliveryOfId).toBe(ids[3]);
      expect(newest.deliveryId).toMatch(/^redeliver:/);
      expect(newest.statusCode).toBe(res.status);
      // The fixture app has deploy on push off: the redelivery is recorded as ignored, like the original.
      expect(newest.outcome).toBe("ignored");
      await db.webhookDelivery.delete({ where: { id: newest.id } });
    });

    it("a viewer reads deliveries but may not redeliver", async () => {
      expect((await list(appId, viewer)).status).toBe(200);
      expect((await detail(appId, ids[1]!, viewer)).status).toBe(200);
      const deliveryCount = await db.webhookDelivery.count();
      const auditCount = await db.auditEvent.count();
      expect((await redeliver(appId, ids[1]!, viewer)).status).toBe(403);
      expect(await db.webhookDelivery.count()).toBe(deliveryCount);
      expect(await db.auditEvent.count()).toBe(auditCount);
    });
  });
}
