// Custom domains end to end, through the real route handlers, a real database, a real DNS server
// on 127.0.0.1 (TXT and A records the test scripts) and a real HTTP server answering the HTTP
// proof: a domain is added pending, proved by its TXT record or by an HTTP answer (only from an
// address the policy allows), owned by the first team to prove it, and invisible to other teams.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv } from "../../support/api-harness";
import { startDnsServer, type DnsServer } from "../../support/dns-server";
import { FixtureFactory } from "../../support/fixtures-factory";
import * as domainsRoute from "@/app/api/v1/apps/[appId]/domains/route";
import * as domainRoute from "@/app/api/v1/apps/[appId]/domains/[domainId]/route";
import * as verifyRoute from "@/app/api/v1/apps/[appId]/domains/[domainId]/verify/route";
import type { Db } from "@/server/db";
import type { DomainDto } from "@/server/domains/constants";

const INGRESS_DOMAIN = "apps.slipway.test";

interface Team {
  id: string;
  slug: string;
  name: string;
  cookie: string;
  appId: string;
}

export function defineDomainsSuite(prepare: () => Promise<string | undefined>): void {
  let db: Db;
  let factory: FixtureFactory;
  let dns: DnsServer;
  let proofServer: http.Server;
  let proofPort: number;
  /** domain id → what the HTTP server answers (the token, or a misbehaviour); the Host headers it was asked with */
  const httpTokens = new Map<string, string>();
  const misbehave = new Map<string, "redirect" | "huge" | "silent">();
  const hostsSeen: string[] = [];
  let A: Team;
  let B: Team;

  const add = (t: Team, hostname: string, appId = t.appId) =>
    call(domainsRoute.POST, "POST", `/api/v1/apps/${appId}/domains`, { cookie: t.cookie, params: { appId }, body: { hostname } });
  const list = (t: Team, appId = t.appId) => call(domainsRoute.GET, "GET", `/api/v1/apps/${appId}/domains`, { cookie: t.cookie, params: { appId } });
  const verify = (t: Team, domainId: string, body: unknown = {}, appId = t.appId) =>
    call(verifyRoute.POST, "POST", `/api/v1/apps/${appId}/domains/${domainId}/verify`, { cookie: t.cookie, params: { appId, domainId }, body });
  const remove = (t: Team, domainId: string, appId = t.appId) =>
    call(domainRoute.DELETE, "DELETE", `/api/v1/apps/${appId}/domains/${domainId}`, { cookie: t.cookie, params: { appId, domainId } });
  const added = async (t: Team, hostname: string): Promise<DomainDto> => {
    const res = await add(t, hostname);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json as DomainDto;
  };
  const setPrivateHosts = (allowed: boolean) =>
    db.platformSettings.upsert({ where: { id: "platform" }, create: { allowPrivateGitHosts: allowed }, update: { allowPrivateGitHosts: allowed } });
  const events = (appId: string, kind: string) => db.appEvent.findMany({ where: { appId, kind } });
  const audits = (targetId: string, action: string) => db.auditEvent.findMany({ where: { targetId, action } });

  beforeAll(async () => {
    process.env.SLIPWAY_API_MUTATIONS_PER_MINUTE = "100000";
    dns = await startDnsServer({});
    proofServer = http.createServer((req, res) => {
      hostsSeen.push(req.headers.host ?? "");
      const id = /^\/\.well-known\/slipway-challenge\/([^/]+)$/.exec(req.url ?? "")?.[1];
      const token = id ? httpTokens.get(id) : undefined;
      const how = id ? misbehave.get(id) : undefined;
      if (how === "redirect") {
        // To a path that does answer the token: a followed redirect would pass.
        res.writeHead(302, { location: `/.well-known/slipway-challenge/${id}-target` }).end();
        return;
      }
      if (how === "huge") {
        res.writeHead(200, { "content-type": "text/plain" }).end(`${token}\n${"x".repeat(2048)}`);
        return;
      }
      if (how === "silent") return; // never answers
      if (!token) {
        res.writeHead(404, { "content-type": "text/plain" }).end("no app at this address");
        return;
      }
      res.writeHead(200, { "content-type": "text/plain" }).end(token);
    });
    await new Promise<void>((resolve) => proofServer.listen(0, "127.0.0.1", resolve));
    proofPort = (proofServer.address() as AddressInfo).port;
    process.env.SLIPWAY_DNS_RESOLVER = dns.address;
    process.env.SLIPWAY_DOMAIN_HTTP_PORT = String(proofPort);
    process.env.SLIPWAY_INGRESS_DOMAIN = INGRESS_DOMAIN;
    setupApiTestEnv({ databaseUrl: await prepare() }); // re-reads the environment set above
    const { getDb } = await import("@/server/db");
    db = getDb();
    factory = new FixtureFactory(db, { gitUrl: "file:///nonexistent-fixture.git" });
    const team = async (prefix: string): Promise<Team> => {
      const t = await factory.team(prefix);
      const u = await factory.user({ teamId: t.id, role: "DEVELOPER" });
      const app = await factory.app(t.id);
      return { id: t.id, slug: t.slug, name: t.name, cookie: await factory.sessionCookie(u.id), appId: app.id };
    };
    A = await team("dom-a");
    B = await team("dom-b");
    await setPrivateHosts(false);
  });

  afterAll(async () => {
    delete process.env.SLIPWAY_DNS_RESOLVER;
    delete process.env.SLIPWAY_DOMAIN_HTTP_PORT;
    delete process.env.SLIPWAY_INGRESS_DOMAIN;
    await dns?.close();
    await new Promise<void>((resolve) => (proofServer ? proofServer.close(() => resolve()) : resolve()));
    await db?.$disconnect();
  });

  describe("custom domains", () => {
    let shop: DomainDto;

    it("adds a domain pending, normalized, with its TXT record and a fresh token", async () => {
      shop = await added(A, "  Shop.Example.COM. ");
      expect(shop.hostname).toBe("shop.example.com");
      expect(shop.status).toBe("pending");
      expect(shop.txtRecord.name).toBe("_slipway-challenge.shop.example.com");
      expect(shop.txtRecord.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
      expect(shop.httpChallenge.url).toBe(`http://shop.example.com:${proofPort}/.well-known/slipway-challenge/${shop.id}`);
      const other = await added(A, "other.example.com");
      expect(other.txtRecord.value).not.toBe(shop.txtRecord.value);
      const res = await list(A);
      expect(res.status).toBe(200);
      expect((res.json as DomainDto[]).map((d) => d.hostname)).toEqual(["shop.example.com", "other.example.com"]);
      expect(await events(A.appId, "domain_added")).toHaveLength(2);
      expect(await audits(shop.id, "domain.add")).toHaveLength(1);
    });

    it("the same hostname twice on one app is 409", async () => {
      const res = await add(A, "SHOP.example.com");
      expect(res.status).toBe(409);
      expect(res.json.error.message).toContain("already a domain of this app");
    });

    it("TXT with the wrong token: 422 naming what was found, nothing verified; the right one verifies", async () => {
      dns.setScript({ "_slipway-challenge.shop.example.com": { TXT: [["not-the-token", "v=spf1 -all"]] } });
      const wrong = await verify(A, shop.id, { method: "txt" });
      expect(wrong.status, JSON.stringify(wrong.json)).toBe(422);
      expect(wrong.json.error.message).toContain("No TXT record _slipway-challenge.shop.example.com with the token was found");
      expect(wrong.json.error.message).toContain('"not-the-token"');
      const row = await db.domain.findUniqueOrThrow({ where: { id: shop.id } });
      expect(row.verifiedAt).toBeNull();
      expect(row.verifiedHostname).toBeNull();
      expect(row.lastCheckError).toContain("not-the-token");
      expect(row.lastCheckAt).not.toBeNull();
      expect(await audits(shop.id, "domain.verify")).toHaveLength(0);
      expect(dns.count("_slipway-challenge.shop.example.com", "TXT")).toBeGreaterThan(0);

      dns.setScript({ "_slipway-challenge.shop.example.com": { TXT: [["not-the-token", shop.txtRecord.value]] } });
      const right = await verify(A, shop.id, { method: "txt" });
      expect(right.status, JSON.stringify(right.json)).toBe(200);
      expect(right.json.status).toBe("verified");
      expect(right.json.lastCheckError).toBeNull();
      const verified = await db.domain.findUniqueOrThrow({ where: { id: shop.id } });
      expect(verified.verifiedHostname).toBe("shop.example.com");
      expect(verified.verifiedAt).not.toBeNull();
      expect(await events(A.appId, "domain_verified")).toHaveLength(1);
      expect(await audits(shop.id, "domain.verify")).toHaveLength(1);
    });

    it("HTTP proof: refused at a loopback address unless private hosts are allowed, then verified", async () => {
      const web = await added(A, "web.example.com");
      httpTokens.set(web.id, web.txtRecord.value);
      dns.setScript({ "web.example.com": { A: [["127.0.0.1"]] } });
      const refused = await verify(A, web.id, { method: "http" });
      expect(refused.status, JSON.stringify(refused.json)).toBe(422);
      expect(refused.json.error.message).toContain("loopback, private or metadata address (127.0.0.1)");
      expect(hostsSeen).toEqual([]); // refused before any request was made
      expect((await db.domain.findUniqueOrThrow({ where: { id: web.id } })).verifiedAt).toBeNull();

      await setPrivateHosts(true);
      try {
        // The server answers another token at first: not accepted.
        httpTokens.set(web.id, "something-else");
        const mismatch = await verify(A, web.id, { method: "http" });
        expect(mismatch.status).toBe(422);
        expect(mismatch.json.error.message).toContain(`http://web.example.com:${proofPort}/.well-known/slipway-challenge/${web.id} did not answer with the token`);
        httpTokens.set(web.id, web.txtRecord.value);
        const ok = await verify(A, web.id, { method: "http" });
        expect(ok.status, JSON.stringify(ok.json)).toBe(200);
        expect(ok.json.status).toBe("verified");
        expect(hostsSeen.at(-1)).toBe(`web.example.com:${proofPort}`);
      } finally {
        await setPrivateHosts(false);
      }
    });

    it("HTTP proof: a redirect is not followed, a body over 1 KiB is refused, a silent server times out after 5 s", async () => {
      await setPrivateHosts(true);
      try {
        const d = await added(A, "odd.example.com");
        dns.setScript({ "odd.example.com": { A: [["127.0.0.1"]] } });
        httpTokens.set(d.id, d.txtRecord.value);
        httpTokens.set(`${d.id}-target`, d.txtRecord.value);
        misbehave.set(d.id, "redirect");
        const redirect = await verify(A, d.id, { method: "http" });
        expect(redirect.status).toBe(422);
        expect(redirect.json.error.message).toContain("302 with a redirect, which is not followed");
        misbehave.set(d.id, "huge");
        const huge = await verify(A, d.id, { method: "http" });
        expect(huge.status).toBe(422);
        expect(huge.json.error.message).toContain("a body over 1 KiB");
        misbehave.set(d.id, "silent");
        const started = Date.now();
        const silent = await verify(A, d.id, { method: "http" });
        expect(silent.status).toBe(422);
        expect(silent.json.error.message).toContain("no answer within 5 s");
        expect(Date.now() - started).toBeLessThan(8000);
        expect((await db.domain.findUniqueOrThrow({ where: { id: d.id } })).verifiedAt).toBeNull();
      } finally {
        await setPrivateHosts(false);
      }
    }, 20_000);

    it("without a method, TXT is tried and then HTTP; the error says what each found", async () => {
      const both = await added(A, "both-ways.example.com");
      dns.setScript({});
      const res = await verify(A, both.id);
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/^TXT: No TXT record _slipway-challenge\.both-ways\.example\.com .*found: none.* HTTP: both-ways\.example\.com does not resolve/);
      const listed = ((await list(A)).json as DomainDto[]).find((d) => d.id === both.id)!;
      expect(listed.lastCheckError).toBe(res.json.error.message);
    });

    it("a hostname another team verified cannot be added (409, the team unnamed)", async () => {
      const res = await add(B, "shop.example.com");
      expect(res.status).toBe(409);
      expect(res.json.error.message).toContain("already in use");
      for (const secret of [A.id, A.slug, A.name, A.appId, shop.id]) expect(JSON.stringify(res.json)).not.toContain(secret);
      expect(await db.domain.count({ where: { teamId: B.id } })).toBe(0);
    });

    it("pending in two teams: the first to prove it wins, the second gets 409; HTTP cannot tell them apart", async () => {
      const a = await added(A, "race.example.com");
      const b = await added(B, "race.example.com");
      dns.setScript({
        "race.example.com": { A: [["127.0.0.1"]] },
        "_slipway-challenge.race.example.com": { TXT: [[a.txtRecord.value, b.txtRecord.value]] },
      });
      await setPrivateHosts(true);
      try {
        httpTokens.set(a.id, a.txtRecord.value);
        const ambiguous = await verify(A, a.id, { method: "http" });
        expect(ambiguous.status).toBe(422);
        expect(ambiguous.json.error.message).toContain("Another team has also added race.example.com");
      } finally {
        await setPrivateHosts(false);
      }
      const first = await verify(B, b.id, { method: "txt" });
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      const second = await verify(A, a.id, { method: "txt" });
      expect(second.status).toBe(409);
      expect(second.json.error.message).toContain("already in use");
      for (const secret of [B.id, B.slug, B.name, B.appId, b.id]) expect(JSON.stringify(second.json)).not.toContain(secret);
      // A's claim stays (pending, with the reason); nothing of A's was removed by B's proof.
      const aRow = await db.domain.findUniqueOrThrow({ where: { id: a.id } });
      expect(aRow.verifiedAt).toBeNull();
      expect(aRow.lastCheckError).toContain("already in use");
    });

    it("two teams verifying the same hostname at the same moment: exactly one wins", async () => {
      const a = await added(A, "same-moment.example.com");
      const b = await added(B, "same-moment.example.com");
      dns.setScript({ "_slipway-challenge.same-moment.example.com": { TXT: [[a.txtRecord.value, b.txtRecord.value]] } });
      const results = await Promise.all([verify(A, a.id, { method: "txt" }), verify(B, b.id, { method: "txt" })]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await db.domain.count({ where: { hostname: "same-moment.example.com", verifiedAt: { not: null } } })).toBe(1);
    });

    it("invalid hostnames are 422 and nothing is stored", async () => {
      const before = await db.domain.count();
      const cases: [string, string][] = [
        ["203.0.113.7", "IP address"],
        ["::1", "IP address"],
        ["[2001:db8::1]", "IP address"],
        [INGRESS_DOMAIN, "own domain"],
        [`web.shop.acme.${INGRESS_DOMAIN}`, "own domain"],
        [`${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.example.com`, "at most 253"],
        [`${"a".repeat(64)}.example.com`, "1 to 63"],
        ["*.example.com", "wildcard"],
        ["localhost", "at least two labels"],
        ["https://shop.example.com/", "without http://"],
        ["-bad.example.com", "hyphen"],
        ["", "enter a hostname"],
      ];
      for (const [hostname, says] of cases) {
        const res = await add(A, hostname);
        expect(res.status, `${hostname}: ${JSON.stringify(res.json)}`).toBe(422);
        expect(res.json.error.message, hostname).toContain(says);
      }
      expect(await db.domain.count()).toBe(before);
    });

    it("an app on a Kubernetes cluster cannot take a custom domain (its ingress would never serve it)", async () => {
      const app = await factory.app(A.id);
      const prod = await db.cluster.upsert({ where: { name: "prod" }, update: {}, create: { name: "prod", kubeconfigEncrypted: "", server: "https://127.0.0.1:9" } });
      await db.project.update({ where: { id: app.projectId }, data: { clusterId: prod.id } });
      const res = await add(A, "shop.cluster.example.com", app.id);
      expect(res.status).toBe(422);
      expect(res.json.error.message).toContain("runs on the Kubernetes cluster prod");
      expect(await db.domain.count({ where: { appId: app.id } })).toBe(0);
    });

    it("an app has at most 20 domains", async () => {
      const app = await factory.app(A.id);
      for (let i = 0; i < 20; i += 1) {
        const res = await add(A, `n${i}.limit.example.com`, app.id);
        expect(res.status, JSON.stringify(res.json)).toBe(201);
      }
      const res = await add(A, "n20.limit.example.com", app.id);
      expect(res.status).toBe(422);
      expect(res.json.error.message).toContain("at most 20");
      expect(await db.domain.count({ where: { appId: app.id } })).toBe(20);
    });

    it("another team's app or domain is 404 on every domain route, naming nothing", async () => {
      const secrets = [shop.id, shop.hostname, shop.txtRecord.value, A.appId, A.slug];
      const pending = await added(A, "private.example.com");
      const cases = [
        await list(B, A.appId),
        await add(B, "new.example.com", A.appId),
        await verify(B, shop.id, {}, A.appId),
        await verify(B, pending.id, {}, A.appId),
        await remove(B, shop.id, A.appId),
        // B's own app with A's domain id: still A's domain
        await verify(B, pending.id, {}, B.appId),
        await remove(B, pending.id, B.appId),
      ];
      for (const res of cases) {
        expect(res.status, JSON.stringify(res.json)).toBe(404);
        for (const s of [...secrets, pending.id, pending.txtRecord.value]) expect(JSON.stringify(res.json)).not.toContain(s);
      }
      expect(await db.domain.count({ where: { teamId: B.id, hostname: "new.example.com" } })).toBe(0);
      expect(await db.domain.findUnique({ where: { id: shop.id } })).not.toBeNull();
      expect((await db.domain.findUniqueOrThrow({ where: { id: pending.id } })).lastCheckAt).toBeNull();
    });

    it("removing a verified domain frees the hostname for others to prove", async () => {
      const res = await remove(A, shop.id);
      expect(res.status).toBe(204);
      expect(((await list(A)).json as DomainDto[]).map((d) => d.id)).not.toContain(shop.id);
      expect(await events(A.appId, "domain_removed")).toHaveLength(1);
      expect(await audits(shop.id, "domain.remove")).toHaveLength(1);
      expect((await remove(A, shop.id)).status).toBe(404);
      const again = await add(B, "shop.example.com");
      expect(again.status, JSON.stringify(again.json)).toBe(201);
    });
  });
}
