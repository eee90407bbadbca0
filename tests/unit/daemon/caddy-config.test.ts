import { describe, expect, it } from "vitest";
import { renderCaddyConfig as renderConfig, INGRESS_MESSAGES, type CaddyConfigOptions } from "@/server/daemon/ingress/caddy-config";
import { CaddyRoutePusher } from "@/server/daemon/ingress/caddy-routes";
import { routeKey, type Route } from "@/server/daemon/ingress/route-table";
import { createLogger } from "@/server/daemon/logger";

const opts: CaddyConfigOptions = { domain: "apps.example.com", httpPort: 8088, httpsPort: 8443, tlsIssuer: "internal", adminSocket: "/data/caddy/admin.sock" };

const route = (appId: string, app: string, over: Partial<Route> = {}): Route => ({
  appId,
  key: routeKey("acme", "shop", app),
  live: true,
  upstreams: [],
  domains: [],
  challenges: [],
  stopped: false,
  ...over,
});

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const renderCaddyConfig = (routes: Route[], o: CaddyConfigOptions) => renderConfig(routes, o) as J;
const servers = (c: J) => c.apps.http.servers as J;
const routeFor = (c: J, server: string, host: string) => (servers(c)[server].routes as J[]).find((r) => r.match?.[0]?.host?.includes(host) && !r.match[0].path);

describe("renderCaddyConfig", () => {
  it("proxies an app's hostname to its replicas round-robin, with dial retries and pooled connections", () => {
    const c = renderCaddyConfig([route("a1", "web", { upstreams: ["http://127.0.0.1:4002", "http://127.0.0.1:4001"] })], opts);
    const r = routeFor(c, "ingress", "web.shop.acme.apps.example.com")!;
    const h = r.handle[0];
    expect(h.handler).toBe("reverse_proxy");
    expect(h.upstreams).toEqual([{ dial: "127.0.0.1:4001" }, { dial: "127.0.0.1:4002" }]);
    expect(h.load_balancing.selection_policy.policy).toBe("round_robin");
    expect(h.load_balancing.try_duration).toBe("5s");
    expect(h.transport.keep_alive.enabled).toBe(true);
    expect(servers(c).ingress.listen).toEqual([":8088"]);
    expect(c.apps.http.grace_period).toBe("30s");
    expect(c.admin.listen).toBe("unix//data/caddy/admin.sock");
  });

  it("listens on the configured address (loopback by default in the daemon's config), every interface for 0.0.0.0", () => {
    const withDomain = [route("a1", "web", { domains: ["shop.example.org"] })];
    const local = renderCaddyConfig(withDomain, { ...opts, listenHost: "127.0.0.1" });
    expect(servers(local).ingress.listen).toEqual(["127.0.0.1:8088"]);
    expect(servers(local)["ingress-tls"].listen).toEqual(["127.0.0.1:8443"]);
    expect(servers(renderCaddyConfig(withDomain, { ...opts, listenHost: "0.0.0.0" })).ingress.listen).toEqual([":8088"]);
    expect(servers(renderCaddyConfig(withDomain, { ...opts, listenHost: "::1" })).ingress.listen).toEqual(["[::1]:8088"]);
  });

  it("answers 503 for stopped, undeployed and replica-less apps and 404 for unknown hosts", () => {
    const c = renderCaddyConfig(
      [route("a1", "off", { stopped: true, upstreams: ["http://127.0.0.1:1"] }), route("a2", "new", { live: false }), route("a3", "down")],
      opts,
    );
    const answer = (host: string) => routeFor(c, "ingress", host)!.handle[0];
    expect(answer("off.shop.acme.apps.example.com")).toMatchObject({ handler: "static_response", status_code: 503, body: `${INGRESS_MESSAGES.stopped}\n` });
    expect(answer("new.shop.acme.apps.example.com")).toMatchObject({ status_code: 503, body: `${INGRESS_MESSAGES.notDeployed}\n` });
    expect(answer("down.shop.acme.apps.example.com")).toMatchObject({ status_code: 503, body: `${INGRESS_MESSAGES.noReplicas}\n` });
    const last = (servers(c).ingress.routes as J[]).at(-1)!;
    expect(last.match).toBeUndefined();
    expect(last.handle[0]).toMatchObject({ status_code: 404, body: `${INGRESS_MESSAGES.unknown}\n` });
  });

  it("serves verified custom domains over TLS from the chosen issuer and redirects their plain HTTP", () => {
    const c = renderCaddyConfig([route("a1", "web", { upstreams: ["http://127.0.0.1:4001"], domains: ["Shop.Example.org", "www.shop.example.org"] })], opts);
    const tls = routeFor(c, "ingress-tls", "shop.example.org")!;
    expect(tls.match[0].host).toEqual(["shop.example.org", "www.shop.example.org"]);
    expect(tls.handle[0].handler).toBe("reverse_proxy");
    expect(servers(c)["ingress-tls"].listen).toEqual([":8443"]);
    expect(c.apps.tls.automation.policies).toEqual([{ subjects: ["shop.example.org", "www.shop.example.org"], issuers: [{ module: "internal" }] }]);
    expect(c.apps.pki.certificate_authorities.local.install_trust).toBe(false);
    const redirect = routeFor(c, "ingress", "shop.example.org")!.handle[0];
    expect(redirect).toMatchObject({ status_code: 308, headers: { Location: ["https://{http.request.host}:8443{http.request.uri}"] } });
    // The app's own hostname stays plain HTTP.
    expect(routeFor(c, "ingress", "web.shop.acme.apps.example.com")!.handle[0].handler).toBe("reverse_proxy");

    const acme = renderCaddyConfig([route("a1", "web", { domains: ["shop.example.org"] })], { ...opts, httpsPort: 443, tlsIssuer: "acme", acmeEmail: "ops@example.org" });
    expect(acme.apps.tls.automation.policies[0].issuers).toEqual([{ module: "acme", email: "ops@example.org" }]);
    expect(routeFor(acme, "ingress", "shop.example.org")!.handle[0].headers.Location).toEqual(["https://{http.request.host}{http.request.uri}"]);
  });

  it("has no TLS server or certificate policy without verified domains", () => {
    const c = renderCaddyConfig([route("a1", "web")], opts);
    expect(servers(c)["ingress-tls"]).toBeUndefined();
    expect(c.apps.tls).toBeUndefined();
  });

  it("answers a pending domain's challenge path with its token, before any other route", () => {
    const c = renderCaddyConfig([route("a1", "web", { challenges: [{ hostname: "Pending.example.net", id: "dom1", token: "tok-123" }] })], opts);
    const first = (servers(c).ingress.routes as J[])[0]!;
    expect(first.match).toEqual([{ host: ["pending.example.net"], path: ["/.well-known/slipway-challenge/dom1"] }]);
    expect(first.handle[0]).toMatchObject({ handler: "static_response", status_code: 200, body: "tok-123" });
    expect(servers(c)["ingress-tls"]).toBeUndefined();
  });

  it("renders the same routes in any order to the same JSON", () => {
    const a = route("a1", "web", { upstreams: ["http://127.0.0.1:1", "http://127.0.0.1:2"] });
    const b = route("a2", "api", { domains: ["x.example.com"] });
    expect(JSON.stringify(renderCaddyConfig([a, b], opts))).toBe(
      JSON.stringify(renderCaddyConfig([b, { ...a, upstreams: [...a.upstreams].reverse() }], opts)),
    );
  });
});

describe("CaddyRoutePusher", () => {
  const log = createLogger("silent");

  it("pushes only configs that differ from the last one applied, and again after Caddy restarts", async () => {
    const loads: string[] = [];
    const p = new CaddyRoutePusher({ config: opts, log, load: async (json) => void loads.push(json) });
    await p.update([route("a1", "web", { upstreams: ["http://127.0.0.1:1"] })]);
    await p.update([route("a1", "web", { upstreams: ["http://127.0.0.1:1"] })]);
    expect(loads).toHaveLength(1);
    await p.update([route("a1", "web", { upstreams: ["http://127.0.0.1:2"] })]);
    expect(loads).toHaveLength(2);
    p.invalidate();
    expect(await p.settled(1000)).toBe(true);
    expect(loads).toHaveLength(3);
    expect(loads[2]).toBe(loads[1]);
  });

  it("retries a failed push with backoff and applies the newest table", async () => {
    const loads: string[] = [];
    let fail = 2;
    const p = new CaddyRoutePusher({
      config: opts,
      log,
      load: async (json) => {
        if (fail-- > 0) throw new Error("connect ENOENT admin.sock");
        loads.push(json);
      },
    });
    const first = p.update([route("a1", "web", { upstreams: ["http://127.0.0.1:1"] })]);
    const second = p.update([route("a1", "web", { upstreams: ["http://127.0.0.1:3"] })]);
    await Promise.all([first, second]);
    expect(loads).toHaveLength(1);
    expect(loads[0]).toContain("127.0.0.1:3");
  });

  it("rejects a switch the proxy did not take within its deadline", async () => {
    const p = new CaddyRoutePusher({ config: opts, log, load: () => Promise.reject(new Error("down")) });
    await expect(p.update([route("a1", "web")], 300)).rejects.toThrow("did not take the new routes");
    expect(await p.settled(200)).toBe(false);
    p.close();
  });
});
