"use client";

import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { QuotaCard } from "./quota-card";
import { QuotaBreakdown } from "./quota-breakdown";
import { ApiTokensCard } from "./api-tokens-card";
import { MembersCard } from "./members-card";
import { TeamUsageCard } from "@/components/metrics/team-usage-card";
import { LogRetentionCard } from "@/components/logs/log-retention-card";
import { useMe, usePlatformSettings, useUpdatePlatformSettings } from "./queries";

function PlatformSettings() {
  const settings = usePlatformSettings();
  const update = useUpdatePlatformSettings();
  if (!settings.data) return null;
  return (
    <Card>
      <CardTitle>Platform settings (platform admin)</CardTitle>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="allow-local-sources" checked={settings.data.allowLocalGitSources} onChange={(e) => update.mutate({ allowLocalGitSources: e.target.checked })} />
        Allow local repositories (paths and file:// URLs on this machine)
      </label>
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={settings.data.allowPrivateGitHosts} onChange={(e) => update.mutate({ allowPrivateGitHosts: e.target.checked })} />
        Allow git hosts, and custom domains proved by HTTP, on loopback and private networks
      </label>
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="allow-private-backup-endpoints" checked={settings.data.allowPrivateBackupEndpoints} onChange={(e) => update.mutate({ allowPrivateBackupEndpoints: e.target.checked })} />
        Allow S3 backup targets on loopback and private networks (e.g. a MinIO on the LAN)
      </label>
      <ErrorText error={update.error} />
    </Card>
  );
}

export function TeamSettings() {
  const me = useMe();
  const role = me.data?.team.role ?? "VIEWER";
  const isAdmin = role === "OWNER" || role === "ADMIN";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Team {me.data?.team.slug}</h1>
      <div className="grid gap-6 lg:grid-cols-2">
        <QuotaCard />
        <QuotaBreakdown canEdit={isAdmin} />
        <TeamUsageCard />
        {me.data ? <LogRetentionCard canEdit={isAdmin} /> : null}
        {me.data ? <MembersCard me={me.data} /> : null}
        {me.data ? <ApiTokensCard role={role} isAdmin={isAdmin} /> : null}
        {me.data?.user.isPlatformAdmin ? <PlatformSettings /> : null}
      </div>
    </div>
  );
}
