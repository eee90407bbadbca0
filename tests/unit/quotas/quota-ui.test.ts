// The quota views render what the API returns: usage bars per team (platform page), per project
// and per app (team page), and the edit controls only for those who may use them.
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { TeamQuotasCard } from "@/components/platform/team-quotas-card";
import { DefaultQuotaCard } from "@/components/platform/default-quota-card";
import { platformKeys } from "@/components/platform/queries";
import { QuotaBreakdown } from "@/components/team/quota-breakdown";
import { QuotaCard } from "@/components/team/quota-card";
import { teamKeys } from "@/components/team/queries";
import type { PlatformTeamDto, TeamQuotaDto } from "@/server/quotas/schemas";

function render(element: ReactElement, data: [readonly unknown[], unknown][]): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  for (const [key, value] of data) client.setQueryData(key, value);
  return renderToString(createElement(QueryClientProvider, { client }, element));
}

const quota = { cpuMillicores: 4000, memoryMib: 4096, storageGib: 20, maxApps: 20, maxConcurrentBuilds: 2 };
const teamQuota: TeamQuotaDto = {
  quota,
  usage: { cpuMillicores: 750, memoryMib: 768, storageGib: 0, apps: 2, runningBuilds: 1 },
  projects: [
    { id: "p1", slug: "shop", limits: { cpuMillicores: 500, memoryMib: null, storageGib: null, maxApps: null }, usage: { cpuMillicores: 750, memoryMib: 768, storageGib: 0, apps: 2 } },
    { id: "p2", slug: "blog", limits: { cpuMillicores: null, memoryMib: null, storageGib: null, maxApps: null }, usage: { cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0 } },
  ],
  apps: [
    { id: "a1", slug: "web", projectId: "p1", replicas: 3, cpuMillicores: 750, memoryMib: 768 },
    { id: "a2", slug: "idle", projectId: "p1", replicas: 1, cpuMillicores: 0, memoryMib: 0 },
  ],
};

describe("team page quota views", () => {
  it("shows the team's usage against its ceiling", () => {
    const html = render(createElement(QuotaCard), [[teamKeys.quota, teamQuota]]);
    expect(html).toContain("750<!-- --> / <!-- -->4000");
    expect(html).toContain("Concurrent builds: <!-- -->1<!-- --> / <!-- -->2");
  });

  it("shows usage per project (over its own limit in red) and per app, and limit editing only for admins", () => {
    const admin = render(createElement(QuotaBreakdown, { canEdit: true }), [[teamKeys.quota, teamQuota]]);
    expect(admin).toContain('data-testid="project-quota-shop"');
    expect(admin).toContain('data-testid="project-quota-blog"');
    expect(admin).toContain('data-testid="app-quota-web"');
    expect(admin).toContain('data-testid="app-quota-idle"');
    expect(admin).toMatch(/text-red-700">750<!-- --> \/ <!-- -->500/);
    expect(admin).toContain("Set limits");
    const developer = render(createElement(QuotaBreakdown, { canEdit: false }), [[teamKeys.quota, teamQuota]]);
    expect(developer).not.toContain("Set limits");
  });
});

describe("platform page", () => {
  it("lists every team with usage bars and an edit button, and the default quota form", () => {
    const teams: PlatformTeamDto[] = [
      { id: "t1", slug: "default", name: "Default", members: 2, quota, usage: { cpuMillicores: 1000, memoryMib: 512, storageGib: 0, apps: 3, runningBuilds: 0 } },
      { id: "t2", slug: "bob", name: "bob", members: 1, quota: { ...quota, cpuMillicores: 200 }, usage: { cpuMillicores: 0, memoryMib: 0, storageGib: 0, apps: 0, runningBuilds: 0 } },
    ];
    const html = render(createElement(TeamQuotasCard), [[platformKeys.teams, teams]]);
    expect(html).toContain('data-testid="platform-team-default"');
    expect(html).toContain('data-testid="platform-team-bob"');
    expect(html).toContain("1000<!-- --> / <!-- -->4000");
    expect(html).toContain("Edit quota");
    const dflt = render(createElement(DefaultQuotaCard), [[platformKeys.defaultQuota, quota]]);
    expect(dflt).toContain('data-testid="default-quota-form"');
    expect(dflt).toContain('value="4000"');
  });
});
