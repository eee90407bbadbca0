// Cross-site request forgery against the API, the way a tenant's app page would try it: apps are
// served on sibling hostnames of the dashboard (same site), so the browser sends the session
// cookie along. A cookie-authenticated change must come from the dashboard's own origin and
// carry JSON; better-auth's endpoints refuse foreign origins too. Nothing may change.
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, setupApiTestEnv, signUp } from "../../support/api-harness";
import * as projects from "@/app/api/v1/projects/route";
import * as projectRoute from "@/app/api/v1/projects/[projectId]/route";
import { getDb } from "@/server/db";

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

/** A tenant app's page on the ingress: same site as the dashboard, another origin. */
const TENANT_ORIGIN = "http://web.shop.mallory.localhost:8088";

let cookie: string;

async function send(handler: unknown, method: string, urlPath: string, headers: Record<string, string>, body?: string, params: Record<string, string> = {}) {
  const res = await (handler as Handler)(
    new Request(`${BASE}${urlPath}`, { method, headers: { cookie, ...headers }, body }),
    { params: Promise.resolve(params as never) },
  );
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const createProject = (slug: string, headers: Record<string, string>) => send(projects.POST, "POST", "/api/v1/projects", headers, JSON.stringify({ slug }));

async function authEndpoint(path: string, headers: Record<string, string>, body: unknown = {}) {
  const { getAuth } = await import("@/server/auth/auth");
  return getAuth().handler(new Request(`${BASE}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
}

async function sessionIsValid(): Promise<boolean> {
  const { getAuth } = await import("@/server/auth/auth");
  return (await getAuth().api.getSession({ headers: new Headers({ cookie }) })) !== null;
}

beforeAll(async () => {
  setupApiTestEnv();
  cookie = await signUp("victim@example.test");
});

describe("cookie-authenticated changes to /api/v1", () => {
  it("refuses the issue's request: text/plain from a tenant app's origin with the session cookie, and creates nothing", async () => {
    const res = await createProject("csrf-1", { "content-type": "text/plain;charset=UTF-8", origin: TENANT_ORIGIN, "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors" });
    expect([403, 415]).toContain(res.status);
    expect(res.json.error.code).toBe("FORBIDDEN");
    expect(res.json.error.details).toMatchObject({ reason: "csrf" });
    expect(await getDb().project.count()).toBe(0);
  });

  it("refuses a foreign origin even with JSON, and without Sec-Fetch headers (older browsers)", async () => {
    for (const origin of [TENANT_ORIGIN, "https://evil.example", "null", "http://localhost:3001", "https://localhost:3000", "http://localhost:3000.evil.example"]) {
      const res = await createProject("csrf-2", { "content-type": "application/json", origin });
      expect(res.status, origin).toBe(403);
    }
    expect(await getDb().project.count()).toBe(0);
  });

  it("refuses a request with no Origin unless the browser says it is same-origin", async () => {
    for (const site of ["cross-site", "same-site", "none", undefined]) {
      const res = await createProject("csrf-3", { "content-type": "application/json", ...(site ? { "sec-fetch-site": site } : {}) });
      expect(res.status, String(site)).toBe(403);
    }
    // The dashboard's Origin with a browser that calls it cross-site is a contradiction: refused.
    const mixed = await createProject("csrf-3", { "content-type": "application/json", origin: BASE, "sec-fetch-site": "cross-site" });
    expect(mixed.status).toBe(403);
    expect(await getDb().project.count()).toBe(0);
  });

  it("refuses form and text bodies from the dashboard's own origin (415): only JSON changes anything", async () => {
    const cases: [string, string][] = [
      ["application/x-www-form-urlencoded", "slug=csrf-4"],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="slug"\r\n\r\ncsrf-4\r\n--x--\r\n'],
      ["text/plain", JSON.stringify({ slug: "csrf-4" })],
    ];
    for (const [contentType, body] of cases) {
      const res = await send(projects.POST, "POST", "/api/v1/projects", { "content-type": contentType, origin: BASE, "sec-fetch-site": "same-origin" }, body);
      expect(res.status, contentType).toBe(415);
    }
    const none = await send(projects.POST, "POST", "/api/v1/projects", { origin: BASE }, JSON.stringify({ slug: "csrf-4" }));
    expect(none.status).toBe(415);
    expect(await getDb().project.count()).toBe(0);
  });

  it("accepts the dashboard's own requests: its Origin (or Sec-Fetch-Site: same-origin) and JSON", async () => {
    const withOrigin = await createProject("ours", { "content-type": "application/json", origin: BASE, "sec-fetch-site": "same-origin" });
    expect(withOrigin.status).toBe(201);
    const fetchMetadataOnly = await createProject("ours-too", { "content-type": "application/json; charset=utf-8", "sec-fetch-site": "same-origin" });
    expect(fetchMetadataOnly.status).toBe(201);
    // Reads need neither: a cross-site page cannot read the answer anyway (no CORS).
    const list = await send(projects.GET, "GET", "/api/v1/projects", { origin: TENANT_ORIGIN, "sec-fetch-site": "same-site" });
    expect(list.status).toBe(200);
  });

  it("guards every changing method, a delete included", async () => {
    const project = await getDb().project.findFirstOrThrow({ where: { slug: "ours" } });
    const params = { projectId: project.id };
    const del = await send(projectRoute.DELETE, "DELETE", `/api/v1/projects/${project.id}`, { origin: TENANT_ORIGIN, "content-type": "application/json" }, undefined, params);
    expect(del.status).toBe(403);
    const bodiless = await send(projectRoute.DELETE, "DELETE", `/api/v1/projects/${project.id}`, { origin: BASE }, undefined, params);
    expect(bodiless.status).toBe(415);
    expect(await getDb().project.count({ where: { id: project.id } })).toBe(1);
  });
});

describe("better-auth's own endpoints (/api/auth/*)", () => {
  it("refuse a sign-out from a foreign origin: the session stays valid", async () => {
    for (const origin of [TENANT_ORIGIN, "null"]) {
      const res = await authEndpoint("/sign-out", { cookie, origin, "sec-fetch-site": "same-site" });
      expect(res.status, origin).toBe(403);
    }
    const noOrigin = await authEndpoint("/sign-out", { cookie, "sec-fetch-site": "cross-site" });
    expect(noOrigin.status).toBe(403);
    expect(await sessionIsValid()).toBe(true);
  });

  it("refuse a sign-in or sign-up posted from a foreign origin (login CSRF)", async () => {
    const signIn = await authEndpoint("/sign-in/email", { origin: TENANT_ORIGIN, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" }, { email: "victim@example.test", password: "correct-horse-battery" });
    expect(signIn.status).toBe(403);
    expect(signIn.headers.getSetCookie()).toEqual([]);
    const withCookie = await authEndpoint("/sign-in/email", { cookie, origin: TENANT_ORIGIN }, { email: "victim@example.test", password: "correct-horse-battery" });
    expect(withCookie.status).toBe(403);
    const signUp = await authEndpoint("/sign-up/email", { origin: TENANT_ORIGIN, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" }, { email: "planted@example.test", password: "correct-horse-battery", name: "planted" });
    expect(signUp.status).toBe(403);
    expect(await getDb().user.count({ where: { email: "planted@example.test" } })).toBe(0);
  });

  it("accept the dashboard's own sign-out", async () => {
    const res = await authEndpoint("/sign-out", { cookie, origin: BASE, "sec-fetch-site": "same-origin" });
    expect(res.status).toBe(200);
    expect(await sessionIsValid()).toBe(false);
  });
});
