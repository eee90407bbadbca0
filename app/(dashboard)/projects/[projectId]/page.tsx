import { appKeys } from "@/components/apps/queries";
import { ProjectDetail } from "@/components/projects/project-detail";
import { projectKeys } from "@/components/projects/queries";
import { Prefetch } from "@/components/providers/prefetch";
import { listApps } from "@/server/apps/list-apps";
import { requirePageActor } from "@/server/auth/page-actor";
import { getProject } from "@/server/projects/get-project";

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const actor = await requirePageActor();
  return (
    <Prefetch
      queries={[
        { queryKey: projectKeys.one(projectId), queryFn: () => getProject({ actor, projectId }) },
        { queryKey: appKeys.list(projectId), queryFn: () => listApps({ actor, projectId }) },
      ]}
    >
      <ProjectDetail projectId={projectId} />
    </Prefetch>
  );
}
