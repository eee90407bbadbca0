import { ClusterList } from "@/components/clusters/cluster-list";
import { clusterKeys } from "@/components/clusters/queries";
import { RegisterClusterForm } from "@/components/clusters/register-cluster-form";
import { Prefetch } from "@/components/providers/prefetch";
import { requirePageActor } from "@/server/auth/page-actor";
import { listClusters } from "@/server/clusters/list-clusters";

export default async function ClustersPage() {
  const actor = await requirePageActor();
  return (
    <Prefetch queries={[{ queryKey: clusterKeys.all, queryFn: () => listClusters({ actor }) }]}>
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-semibold">Clusters</h1>
          <p className="text-sm text-slate-500">Kubernetes clusters a project can choose as its runtime target instead of the embedded runtime.</p>
        </div>
        <ClusterList isPlatformAdmin={actor.isPlatformAdmin} />
        {actor.isPlatformAdmin ? <RegisterClusterForm /> : null}
      </div>
    </Prefetch>
  );
}
