import { describe, expect, it } from "vitest";
import { parseHost, RouteTable, routeKey } from "@/server/daemon/ingress/route-table";

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

describe("RouteTable", () => {
  const table = () => {
    const t = new RouteTable("localhost");
    t.replace([
      { appId: "a1", key: routeKey("acme", "shop", "web"), live: true, upstreams: ["http://127.0.0.1:1", "http://127.0.0.1:2"] },
      { appId: "a2", key: routeKey("acme", "shop", "idle"), live: false, upstreams: [] },
      { appId: "a3", key: routeKey("acme", "shop", "down"), live: true, upstreams: [] },
    ]);
    return t;
  };

  it("round-robins over replicas and offers the others as fallbacks", () => {
    const t = table();
    const picks = [0, 1, 2, 3].map(() => {
      const l = t.lookup("web.shop.acme.localhost:8088");
      if (l.kind !== "ok") throw new Error(l.kind);
      return l.upstreams;
    });
    expect(picks.map((p) => p[0])).toEqual(["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:1", "http://127.0.0.1:2"]);
    expect(picks[0]).toEqual(["http://127.0.0.1:1", "http://127.0.0.1:2"]);
    expect(picks[1]).toEqual(["http://127.0.0.1:2", "http://127.0.0.1:1"]);
  });

  it("tells unknown, not deployed and no-replica apps apart", () => {
    const t = table();
    expect(t.lookup("nope.shop.acme.localhost").kind).toBe("unknown");
    expect(t.lookup("idle.shop.acme.localhost").kind).toBe("not-deployed");
    expect(t.lookup("down.shop.acme.localhost").kind).toBe("no-replicas");
  });

  it("switches one app's upstreams at once and removes apps", () => {
    const t = table();
    t.setUpstreams("a2", ["http://127.0.0.1:9"]);
    const l = t.lookup("idle.shop.acme.localhost");
    expect(l.kind === "ok" && l.upstreams).toEqual(["http://127.0.0.1:9"]);
    t.remove("a1");
    expect(t.lookup("web.shop.acme.localhost").kind).toBe("unknown");
  });
});
