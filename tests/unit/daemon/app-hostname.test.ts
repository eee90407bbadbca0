import { describe, expect, it } from "vitest";
import { appHostLabels, appHostname } from "@/server/apps/app-url";
import { parseHost, routeKey } from "@/server/daemon/ingress/route-table";

describe("appHostname", () => {
  it("keeps john/doe/web-api and john-doe/web/api apart, and the ingress maps each host back to its own key", () => {
    const a = { teamSlug: "john", projectSlug: "doe", appSlug: "web-api" };
    const b = { teamSlug: "john-doe", projectSlug: "web", appSlug: "api" };
    expect(appHostname(a, "apps.example.com")).toBe("web-api.doe.john.apps.example.com");
    expect(appHostname(b, "apps.example.com")).toBe("api.web.john-doe.apps.example.com");
    expect(parseHost(appHostname(a, "localhost"), "localhost")).toBe(routeKey(a.teamSlug, a.projectSlug, a.appSlug));
    expect(parseHost(appHostname(b, "localhost"), "localhost")).toBe(routeKey(b.teamSlug, b.projectSlug, b.appSlug));
    expect(routeKey(a.teamSlug, a.projectSlug, a.appSlug)).not.toBe(routeKey(b.teamSlug, b.projectSlug, b.appSlug));
  });

  it("refuses a slug that is not a DNS label (a dot would shift the labels)", () => {
    expect(() => appHostLabels({ teamSlug: "a.b", projectSlug: "c", appSlug: "d" })).toThrow(/DNS-1123/);
  });
});
