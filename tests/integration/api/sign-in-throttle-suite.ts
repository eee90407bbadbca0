// Sign-in throttling through better-auth's real handler and a real database: per account, per
// client address, X-Forwarded-For believed only from trusted proxies, state shared by instances.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BASE, setupApiTestEnv, signUp, type ApiTestEnv } from "../../support/api-harness";
import { CLIENT_ADDRESS_HEADER, installClientAddressStamp, stampClientAddress } from "@/server/auth/client-address";
import { createDb, getDb } from "@/server/db";
import { resetEnvForTests } from "@/server/env";

const PASSWORD = "correct-horse-battery";

interface Attempt {
  /** The socket address the request arrives from. */
  peer: string;
  forwardedFor?: string;
}

/** A sign-in as the server receives it from `peer`: stamped exactly as the HTTP server stamps it. */
async function signIn(email: string, password: string, { peer, forwardedFor }: Attempt) {
  const headers: http.IncomingHttpHeaders = {
    "content-type": "application/json",
    origin: BASE,
    // A client's own claim to an address: the stamp must overwrite it.
    [CLIENT_ADDRESS_HEADER]: "192.0.2.250",
    ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
  };
  stampClientAddress(headers, peer);
  const { getAuth } = await import("@/server/auth/auth");
  const res = await getAuth().handler(
    new Request(`${BASE}/api/auth/sign-in/email`, { method: "POST", headers: headers as Record<string, string>, body: JSON.stringify({ email, password }) }),
  );
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string; retryAfterSeconds?: number } | null;
  return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
}

async function failTimes(n: number, email: string, attempt: Attempt) {
  for (let i = 0; i < n; i++) {
    const res = await signIn(email, "wrong-password-" + i, attempt);
    expect(res.status, `failure ${i + 1} for ${email}`).toBe(401);
  }
}

function setTrustedProxies(spec: string) {
  process.env.SLIPWAY_TRUSTED_PROXIES = spec;
  resetEnvForTests();
}

/** The same checks on each database: `prepare` returns the database URL to use (or undefined for SQLite). */
export function defineSignInThrottleSuite(prepare: () => Promise<string | undefined>): void {
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = setupApiTestEnv({ databaseUrl: await prepare() });
    setTrustedProxies("");
    // This process plays the web server: requests are stamped (here by signIn, as the server does).
    installClientAddressStamp();
    for (const name of ["alice", "bob", "carol", "dave", "erin"]) await signUp(`${name}@example.test`);
  });

  afterAll(() => {
    delete process.env.SLIPWAY_TRUSTED_PROXIES;
    resetEnvForTests();
  });

  describe("per account", () => {
    it("locks an account after 5 wrong passwords: even the right one is then refused, 429 with when to retry, from any address", async () => {
      const attempt = { peer: "198.51.100.1" };
      await failTimes(4, "alice@example.test", attempt);
      await failTimes(1, "ALICE@Example.test", attempt); // the same account however it is typed
      const locked = await signIn("alice@example.test", PASSWORD, attempt);
      expect(locked.status).toBe(429);
      expect(locked.body?.code).toBe("SIGN_IN_THROTTLED");
      expect(locked.body?.message).toMatch(/Too many failed sign-in attempts\. Try again in 15 minutes\./);
      expect(Number(locked.retryAfter)).toBeGreaterThan(14 * 60);
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(15 * 60);
      expect(locked.body?.retryAfterSeconds).toBe(Number(locked.retryAfter));

      const elsewhere = await signIn("alice@example.test", PASSWORD, { peer: "198.51.100.2" });
      expect(elsewhere.status).toBe(429);

      const row = await getDb().authThrottle.findUniqueOrThrow({ where: { key: "account:alice@example.test" } });
      expect(row.failures).toBe(5);
      expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
      // Other accounts are unaffected.
      expect((await signIn("bob@example.test", PASSWORD, attempt)).status).toBe(200);
    });

    it("says the same for an account that does not exist", async () => {
      const attempt = { peer: "198.51.100.3" };
      await failTimes(5, "nobody@example.test", attempt);
      const ghost = await signIn("nobody@example.test", PASSWORD, attempt);
      const real = await signIn("alice@example.test", PASSWORD, attempt);
      expect(ghost.status).toBe(429);
      expect(real.status).toBe(429);
      expect(Object.keys(ghost.body ?? {}).sort()).toEqual(Object.keys(real.body ?? {}).sort());
      expect(ghost.body?.message).toBe(real.body?.message?.replace(/\d+ (seconds|minutes)/, ghost.body?.message?.match(/\d+ (seconds|minutes)/)?.[0] ?? ""));
    });

    it("resets an account's count on a successful sign-in", async () => {
      const attempt = { peer: "198.51.100.4" };
      await failTimes(4, "bob@example.test", attempt);
      expect((await signIn("bob@example.test", PASSWORD, attempt)).status).toBe(200);
      expect(await getDb().authThrottle.count({ where: { key: "account:bob@example.test" } })).toBe(0);
      await failTimes(4, "bob@example.test", attempt);
      expect((await signIn("bob@example.test", PASSWORD, attempt)).status).toBe(200);
    });

    it("locks again for twice as long when failures go on after a lock has ended", async () => {
      const attempt = { peer: "198.51.100.5" };
      await failTimes(5, "dave@example.test", attempt);
      expect((await signIn("dave@example.test", PASSWORD, attempt)).status).toBe(429);
      // The lock runs out (as 15 minutes later).
      await getDb().authThrottle.update({ where: { key: "account:dave@example.test" }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      await failTimes(1, "dave@example.test", attempt);
      const again = await signIn("dave@example.test", PASSWORD, attempt);
      expect(again.status).toBe(429);
      expect(Number(again.retryAfter)).toBeGreaterThan(29 * 60);
      expect(Number(again.retryAfter)).toBeLessThanOrEqual(30 * 60);
    });
  });

  describe("per client address", () => {
    const attacker = "203.0.113.66";

    it("locks an address after 20 failures across accounts, for every account, and only that address", async () => {
      for (let i = 0; i < 5; i++) await failTimes(4, `spray-${i}@example.test`, { peer: attacker });
      const res = await signIn("carol@example.test", PASSWORD, { peer: attacker });
      expect(res.status).toBe(429);
      expect(res.body?.code).toBe("SIGN_IN_THROTTLED");
      expect((await signIn("carol@example.test", PASSWORD, { peer: "203.0.113.67" })).status).toBe(200);
      const row = await getDb().authThrottle.findUniqueOrThrow({ where: { key: `address:${attacker}` } });
      expect(row.failures).toBe(20);
    });

    it("ignores X-Forwarded-For (and a forged address header) from a peer that is not a trusted proxy", async () => {
      for (const forwardedFor of ["198.51.100.99", "198.51.100.99, 10.0.0.1", "garbage"]) {
        const res = await signIn("carol@example.test", PASSWORD, { peer: attacker, forwardedFor });
        expect(res.status, forwardedFor).toBe(429);
      }
      // The IPv4-mapped IPv6 form of the same peer is the same address.
      expect((await signIn("carol@example.test", PASSWORD, { peer: `::ffff:${attacker}` })).status).toBe(429);
    });

    it("believes X-Forwarded-For from a trusted proxy, walking it from the right", async () => {
      setTrustedProxies("10.0.0.0/8, 192.168.1.1");
      try {
        const proxy = "10.1.2.3";
        // The proxy forwards the attacker: still locked.
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: attacker })).status).toBe(429);
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: `${attacker}, 192.168.1.1, 10.9.9.9` })).status).toBe(429);
        // Another client behind the same proxy is not.
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: "198.51.100.120" })).status).toBe(200);
        // The attacker writing the locked address into the header does not move it either way: the
        // proxy appends the attacker's real address, and that is what counts.
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: `203.0.113.200, ${attacker}` })).status).toBe(429);
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: `${attacker}, 198.51.100.121` })).status).toBe(200);
        // The proxy itself is not believed when it is not in the list.
        setTrustedProxies("192.168.1.1");
        expect((await signIn("carol@example.test", PASSWORD, { peer: proxy, forwardedFor: attacker })).status).toBe(200);
      } finally {
        setTrustedProxies("");
      }
    });

    it("stamps requests on a real socket: the peer's address, whatever the client sends", async () => {
      const seen: (string | undefined)[] = [];
      const server = http.createServer((req, res) => {
        seen.push(req.headers[CLIENT_ADDRESS_HEADER] as string | undefined);
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      try {
        await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "198.51.100.7", [CLIENT_ADDRESS_HEADER]: "198.51.100.8" } });
        setTrustedProxies("127.0.0.1");
        await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "198.51.100.7" } });
      } finally {
        setTrustedProxies("");
        server.close();
      }
      expect(seen).toEqual(["127.0.0.1", "198.51.100.7"]);
    });
  });

  describe("shared state", () => {
    it("counts concurrent failures without losing any, and locks", async () => {
      await signUp("frank@example.test");
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn("frank@example.test", `wrong-${i}`, { peer: `198.51.100.${40 + i}` })));
      for (const r of results) expect([401, 429]).toContain(r.status);
      const row = await getDb().authThrottle.findUniqueOrThrow({ where: { key: "account:frank@example.test" } });
      expect(row.failures).toBe(results.filter((r) => r.status === 401).length);
      expect(row.failures).toBeGreaterThanOrEqual(5);
      expect((await signIn("frank@example.test", PASSWORD, { peer: "198.51.100.60" })).status).toBe(429);
    });

    it("is in the database: another web instance (fresh modules, its own client) sees the lock", async () => {
      const attempt = { peer: "198.51.100.30" };
      await failTimes(5, "erin@example.test", attempt);

      const other = createDb(env.databaseUrl);
      try {
        const row = await other.authThrottle.findUniqueOrThrow({ where: { key: "account:erin@example.test" } });
        expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
      } finally {
        await other.$disconnect();
      }

      // A second instance: new modules, a new better-auth, a new Prisma client.
      const { setDbForTests } = await import("@/server/db");
      await getDb().$disconnect();
      setDbForTests(undefined);
      (globalThis as { slipwayAuth?: unknown }).slipwayAuth = undefined;
      vi.resetModules();
      const res = await signIn("erin@example.test", PASSWORD, { peer: "198.51.100.31" });
      expect(res.status).toBe(429);
    });
  });
}
