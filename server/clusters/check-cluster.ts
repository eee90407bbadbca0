import "server-only";
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { open } from "../crypto/secret-box";
import { loadKubeconfig } from "../runtime/kubernetes/kube-client";
import { getClusterOrThrow } from "./get-cluster";
import { probeClusterStatus, type ClusterStatus } from "./probe-cluster-status";
import type { ClusterDto } from "./schemas";
import { toClusterDto } from "./to-cluster-dto";

async function probeStored(kubeconfigEncrypted: string, server: string): Promise<ClusterStatus> {
  let yaml: string;
  try {
    yaml = open(kubeconfigEncrypted);
  } catch {
    return {
      server,
      reachable: false,
      version: null,
      lastError: "The stored kubeconfig cannot be decrypted: SLIPWAY_SECRET_KEY (or the data dir) changed since the cluster was registered. Upload the kubeconfig again.",
      lastCheckedAt: new Date(),
    };
  }
  return probeClusterStatus(loadKubeconfig(yaml));
}

/** Probes the cluster again and records the outcome (reachable, version, lastError, lastCheckedAt). */
export async function checkCluster({ actor, clusterId }: { actor: Actor; clusterId: string }): Promise<ClusterDto> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may check clusters.");
  const current = await getClusterOrThrow({ actor, clusterId });
  const db = getDb();
  const { kubeconfigEncrypted } = await db.cluster.findUniqueOrThrow({ where: { id: current.id }, select: { kubeconfigEncrypted: true } });
  const status = await probeStored(kubeconfigEncrypted, current.server);
  const cluster = await db.$transaction(async (tx) => {
    const updated = await tx.cluster.update({ where: { id: current.id }, data: status, omit: { kubeconfigEncrypted: true } });
    await recordAudit(tx, { actor, teamId: null, action: "cluster.check", targetType: "cluster", targetId: current.id, data: { name: current.name, reachable: status.reachable } });
    return updated;
  });
  return toClusterDto(cluster);
}
