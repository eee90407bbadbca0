import { notFound } from "next/navigation";
import { DefaultQuotaCard } from "@/components/platform/default-quota-card";
import { platformKeys } from "@/components/platform/queries";
import { TeamQuotasCard } from "@/components/platform/team-quotas-card";
import { SignupPolicyCard } from "@/components/platform/signup-policy-card";
import { LogRetentionLimitsCard } from "@/components/platform/log-retention-limits-card";
import { Prefetch } from "@/components/providers/prefetch";
import { requirePageActor } from "@/server/auth/page-actor";
import { getDefaultQuota } from "@/server/platform/get-default-quota";
import { listPlatformTeams } from "@/server/platform/list-platform-teams";

export default async function PlatformPage() {
  const actor = await requirePageActor();
  // Not a platform admin: the page does not exist for them (the API answers 403).
  if (!actor.isPlatformAdmin) notFound();
  return (
    <Prefetch
      queries={[
        { queryKey: platformKeys.teams, queryFn: () => listPlatformTeams({ actor }) },
        { queryKey: platformKeys.defaultQuota, queryFn: () => getDefaultQuota({ actor }) },
      ]}
    >
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-semibold">Platform</h1>
          <p className="text-sm text-slate-500">Every team&apos;s ceiling and what it uses. Only the platform admin sets ceilings; team admins divide theirs between projects.</p>
        </div>
        <TeamQuotasCard />
        <DefaultQuotaCard />
        <SignupPolicyCard />
        <LogRetentionLimitsCard />
      </div>
    </Prefetch>
  );
}
