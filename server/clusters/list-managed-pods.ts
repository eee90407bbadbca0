import "server-only";
// The cluster view's pod listing. A platform admin sees every Slipway-managed pod of the cluster;
// anyone else sees only their acting team's namespace, filtered by the team label as well, so
// another team's pod can never appear (a continue token from another listing cannot widen it:
// the API server confines a namespaced list to that namespace's keys).
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { loadKubeconfig } from "../runtime/kubernetes/kube-client";
import { ManagedPodLister, managedPodSelector, PodListError } from "../runtime/kubernetes/managed-pods";
import { teamNamespace } from "../runtime/kubernetes/names";
import { getClusterKubeconfig } from "./get-cluster-kubeconfig";
import { getClusterOrThrow } from "./get-cluster";
import { DEFAULT_POD_PAGE_SIZE, listManagedPodsQuery, type ManagedPodPage } from "./pod-schemas";

export interface ListManagedPodsOptions {
  actor: Actor;
  clusterId: string;
  limit?: number;
  continueToken?: string;
}

// One lister (one keep-alive connection pool) per cluster, rebuilt when its record changes.
const listers = new Map<string, { version: string; lister: ManagedPodLister }>();

async function listerFor(cluster: { id: string; name: string; updatedAt: Date }): Promise<ManagedPodLister> {
  const version = cluster.updatedAt.toISOString();
  const cached = listers.get(cluster.id);
  if (cached?.version === version) return cached.lister;
  cached?.lister.close();
  const { kubeconfig } = await getClusterKubeconfig({ clusterName: cluster.name });
  const lister = new ManagedPodLister(loadKubeconfig(kubeconfig));
  listers.set(cluster.id, { version, lister });
  return lister;
}

function toAppError(e: unknown, clusterName: string): AppError {
  if (!(e instanceof PodListError)) return e instanceof AppError ? e : new AppError("RUNTIME_UNAVAILABLE", `Cluster ${clusterName} could not list pods: ${e instanceof Error ? e.message : String(e)}`);
  if (e.status === 410) {
    return new AppError("CONFLICT", "The pod listing expired on the cluster (its continue token is too old). Load the list again from the start.", { details: { restart: true } });
  }
  if (e.status === 400 || e.status === 422) {
    return new AppError("VALIDATION", `The cluster refused the continue token: ${e.message}`, { fields: [{ path: "continue", message: e.message }] });
  }
  const how = e.status ? `answered HTTP ${e.status}: ${e.message}` : `did not answer: ${e.message}`;
  return new AppError("RUNTIME_UNAVAILABLE", `Cluster ${clusterName} ${how}`);
}

export async function listManagedPods({ actor, clusterId, limit = DEFAULT_POD_PAGE_SIZE, continueToken }: ListManagedPodsOptions): Promise<ManagedPodPage> {
  const query = listManagedPodsQuery.parse({ limit, continue: continueToken });
  const cluster = await getClusterOrThrow({ actor, clusterId });
  const namespace = actor.isPlatformAdmin ? undefined : teamNamespace(actor.teamSlug);
  const lister = await listerFor(cluster);
  try {
    const page = await lister.page({
      namespace,
      labelSelector: managedPodSelector(actor.isPlatformAdmin ? undefined : actor.teamSlug),
      limit: query.limit,
      continueToken: query.continue,
    });
    return {
      items: page.items,
      continueToken: page.continueToken,
      remainingItemCount: page.remainingItemCount,
      scope: namespace ? "team" : "cluster",
      namespace: namespace ?? null,
    };
  } catch (e) {
    throw toAppError(e, cluster.name);
  }
}
