import { ProjectList } from "@/components/projects/project-list";
import { projectKeys } from "@/components/projects/queries";
import { Prefetch } from "@/components/providers/prefetch";
import { QuotaCard } from "@/components/team/quota-card";
import { teamKeys } from "@/components/team/queries";
import { requirePageActor } from "@/server/auth/page-actor";
import { listProjects } from "@/server/projects/list-projects";
import { getQuota } from "@/server/teams/get-quota";

export default async function DashboardPage() {
  const actor = await requirePageActor();
  return (
    <Prefetch
      queries={[
        { queryKey: projectKeys.all, queryFn: () => listProjects({ actor }) },
        { queryKey: teamKeys.quota, queryFn: () => getQuota({ actor }) },
      ]}
    >
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <ProjectList />
        <QuotaCard />
      </div>
    </Prefetch>
  );
}
