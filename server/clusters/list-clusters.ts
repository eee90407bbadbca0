import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { ClusterDto } from "./schemas";
import { toClusterDto } from "./to-cluster-dto";

/** Clusters are platform-wide: every signed-in member sees them, to choose a project's target. */
export async function listClusters(_options: { actor: Actor }): Promise<ClusterDto[]> {
  const clusters = await getDb().cluster.findMany({ omit: { kubeconfigEncrypted: true }, orderBy: { name: "asc" } });
  return clusters.map(toClusterDto);
}
