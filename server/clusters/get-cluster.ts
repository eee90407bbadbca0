import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { ClusterDto } from "./schemas";
import { toClusterDto } from "./to-cluster-dto";

/** The row without its sealed kubeconfig: only get-cluster-kubeconfig.ts reads that. */
export async function getClusterOrThrow({ clusterId }: { actor: Actor; clusterId: string }) {
  const cluster = await getDb().cluster.findUnique({ where: { id: clusterId }, omit: { kubeconfigEncrypted: true } });
  if (!cluster) throw notFound("Cluster");
  return cluster;
}

export async function getCluster(options: { actor: Actor; clusterId: string }): Promise<ClusterDto> {
  return toClusterDto(await getClusterOrThrow(options));
}
