// The "open" link's capability and what passes through it (server/apps/open).
import { beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/env";
import { signOpenTicket, verifyOpenTicket } from "@/server/apps/open/open-ticket";
import { forwardedRequestHeaders, OPEN_SANDBOX_POLICY, responseHeaders, rewriteLocation, rewriteSetCookie, toOpenPath } from "@/server/apps/open/open-rewrite";

beforeAll(() => {
  process.env.SLIPWAY_SECRET_KEY = "11".repeat(32);
  resetEnvForTests();
});

const API = "/api/v1/namespaces/slipway-acme/services/app-a1:http/proxy";
const OPEN = "/open/T";

describe("open tickets", () => {
  const later = new Date(Date.now() + 60_000);

  it("round-trip the app, the person and the expiry (to the second)", () => {
    const ticket = signOpenTicket({ appId: "app1", userId: "user1", expiresAt: later });
    expect(ticket).toMatch(/^[A-Za-z0-9._-]+$/);
    const read = verifyOpenTicket(ticket);
    expect(read).toMatchObject({ appId: "app1", userId: "user1" });
    expect(Math.abs((read as { expiresAt: Date }).expiresAt.getTime() - later.getTime())).toBeLessThan(1000);
  });

  it("refuse any change to what was signed, garbage, and a ticket signed with another key", () => {
    const ticket = signOpenTicket({ appId: "app1", userId: "user1", expiresAt: later });
    const [a, u, e, sig] = ticket.split(".");
    expect(verifyOpenTicket([a, "user2", e, sig].join("."))).toBe("invalid");
    expect(verifyOpenTicket(["app2", u, e, sig].join("."))).toBe("invalid");
    expect(verifyOpenTicket([a, u, (parseInt(e!, 36) + 3600).toString(36), sig].join("."))).toBe("invalid");
    expect(verifyOpenTicket([a, u, e, sig!.slice(0, -2)].join("."))).toBe("invalid");
    expect(verifyOpenTicket("")).toBe("invalid");
    expect(verifyOpenTicket("a.b.c.d.e")).toBe("invalid");
    expect(verifyOpenTicket(`../x.${u}.${e}.${sig}`)).toBe("invalid");
  });

  it("expire", () => {
    const ticket = signOpenTicket({ appId: "app1", userId: "user1", expiresAt: later });
    expect(verifyOpenTicket(ticket, new Date(later.getTime() + 1000))).toBe("expired");
  });
});

describe("what passes to the app", () => {
  it("never the dashboard's cookies or a bearer token; the app's own cookies and content headers do", () => {
    const incoming = new Headers({
      cookie: "better-auth.session_token=s3cret; __Secure-better-auth.session_data=x; slipway_team=acme; cart=3; theme=dark",
      authorization: "Bearer slw_token",
      "content-type": "application/json",
      "accept-encoding": "gzip, deflate, br",
      "x-forwarded-for": "1.2.3.4",
      accept: "text/html",
    });
    const out = forwardedRequestHeaders(incoming);
    expect(out.cookie).toBe("cart=3; theme=dark");
    expect(out.authorization).toBeUndefined();
    expect(out["x-forwarded-for"]).toBeUndefined();
    expect(out["content-type"]).toBe("application/json");
    expect(out["accept-encoding"]).toBe("gzip");
    expect(forwardedRequestHeaders(new Headers({ cookie: "better-auth.session_token=s" })).cookie).toBeUndefined();
    expect(forwardedRequestHeaders(new Headers())["accept-encoding"]).toBe("identity");
  });
});

describe("what comes back", () => {
  it("maps the API server's proxy path in pages and redirects onto the open link", () => {
    expect(toOpenPath(`<a href="${API}/notes">n</a><script src="${API}/app.js"></script>`, API, OPEN)).toBe('<a href="/open/T/notes">n</a><script src="/open/T/app.js"></script>');
    expect(rewriteLocation(`${API}/login?next=%2F`, API, OPEN)).toBe("/open/T/login?next=%2F");
    expect(rewriteLocation("/login", API, OPEN)).toBe("/open/T/login");
    expect(rewriteLocation("https://elsewhere.example/x", API, OPEN)).toBe("https://elsewhere.example/x");
    expect(rewriteLocation("//elsewhere.example/x", API, OPEN)).toBe("//elsewhere.example/x");
    expect(rewriteLocation("relative", API, OPEN)).toBe("relative");
  });

  it("scopes the app's cookies to its link and drops their Domain", () => {
    expect(rewriteSetCookie("sid=1; Path=/; Domain=apps.example; HttpOnly", OPEN)).toBe("sid=1; Path=/open/T/; HttpOnly");
    expect(rewriteSetCookie("better-auth.session_token=evil", OPEN)).toBe("better-auth.session_token=evil; Path=/open/T/");
  });

  it("serves the page sandboxed, unframed, without a referrer, whatever the app said", () => {
    const h = responseHeaders(
      {
        "content-type": "text/html",
        "x-frame-options": "ALLOWALL",
        "referrer-policy": "unsafe-url",
        "content-security-policy": "default-src 'self'",
        "set-cookie": ["a=1; Path=/"],
        location: `${API}/next`,
        connection: "keep-alive",
        "content-length": "10",
      },
      API,
      OPEN,
    );
    expect(h.get("content-security-policy")).toBe(`default-src 'self', ${OPEN_SANDBOX_POLICY}`);
    expect(OPEN_SANDBOX_POLICY).toMatch(/^sandbox /);
    expect(OPEN_SANDBOX_POLICY).not.toMatch(/allow-same-origin|allow-top-navigation/);
    expect(h.get("x-frame-options")).toBe("DENY");
    expect(h.get("referrer-policy")).toBe("no-referrer");
    expect(h.get("set-cookie")).toBe("a=1; Path=/open/T/");
    expect(h.get("location")).toBe("/open/T/next");
    expect(h.get("connection")).toBeNull();
    expect(h.get("content-length")).toBeNull();
  });
});
