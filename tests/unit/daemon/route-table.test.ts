import { describe, expect, it } from "vitest";
import { parseHost, RouteTable, routeKey, type Route } from "@/server/daemon/ingress/route-table";

describe("parseHost", () => {
  it("maps <app>.<project>.<team>.<domain>[:port] to a route key, case-insensitively", () => {
    expect(parseHost("web.shop.acme.localhost:8088", "localhost")).toBe("web.shop.acme");
    expect(parseHost("WEB.Shop.ACME.localhost", "localhost")).toBe("web.shop.acme");
    expect(parseHost("web.shop.acme.localhost.", "localhost")).toBe("web.shop.acme");
    expect(parseHost("api.shop.acme.apps.example.com", "apps.example.com")).toBe("api.shop.acme");
  });

  it("rejects hosts that are not app hosts", () => {
    for (const h of [undefined, "", "localhost", "shop.acme.localhost", "x.web.shop.acme.localhost", "web.shop.acme.example.com", "[::1]:8088", "web.sh_op.acme.localhost", "-web.shop.acme.localhost", "web.shop.acmelocalhost"]) {
      expect(parseHost(h, "localhost"), String(h)).toBeNull();
    }
  });
});

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

describe("RouteTable", () => {
  const table = () => {
    const pushed: Route[][] = [];
    const deadlines: (number | undefined)[] = [];
    const t = new RouteTable("localhost", (routes, within) => {
      pushed.push(routes);
      deadlines.push(within);
      return Promise.resolve();
    });
    return { t, pushed, deadlines };
  };

  it("hands every change, whole, to the sink", async () => {
    const { t, pushed } = table();
    await t.replace([route("a1", "web", { upstreams: ["http://127.0.0.1:1"] }), route("a2", "idle", { live: false })]);
    await t.remove("a2");
    expect(pushed.map((p) => p.map((r) => r.appId))).toEqual([["a1", "a2"], ["a1"]]);
    expect(t.byApp("a2")).toBeUndefined();
    expect(t.all()).toHaveLength(1);
  });

  it("switches one app's upstreams, marks it live and asks the sink to apply it within a deadline", async () => {
    const { t, pushed, deadlines } = table();
    await t.replace([route("a1", "web", { upstreams: ["http://127.0.0.1:1"] }), route("a2", "idle", { live: false, domains: ["shop.example.com"] })]);
    await t.setUpstreams("a2", ["http://127.0.0.1:9"]);
    expect(t.byApp("a2")).toMatchObject({ live: true, upstreams: ["http://127.0.0.1:9"], domains: ["shop.example.com"] });
    expect(t.byApp("a1")!.upstreams).toEqual(["http://127.0.0.1:1"]);
    expect(pushed.at(-1)!.find((r) => r.appId === "a2")!.upstreams).toEqual(["http://127.0.0.1:9"]);
    expect(deadlines).toEqual([undefined, 10_000]);
  });

  it("pushes nothing before the first full table: a restarted daemon does not blank what the proxy serves", async () => {
    const { t, pushed } = table();
    await expect(t.setUpstreams("a1", ["http://127.0.0.1:2"])).rejects.toThrow("not built yet");
    await t.remove("a1");
    expect(pushed).toEqual([]);
    await t.replace([route("a1", "web")]);
    await t.setUpstreams("a1", ["http://127.0.0.1:2"]);
    expect(pushed.map((p) => p.map((r) => r.upstreams))).toEqual([[[]], [["http://127.0.0.1:2"]]]);
  });

  it("passes on the sink's refusal to switch, so a promotion does not drain what still serves", async () => {
    const t = new RouteTable("localhost", (_routes, within) => (within ? Promise.reject(new Error("not applied")) : Promise.resolve()));
    await t.replace([route("a1", "web")]);
    await expect(t.setUpstreams("a1", ["http://127.0.0.1:2"])).rejects.toThrow("not applied");
  });
});
