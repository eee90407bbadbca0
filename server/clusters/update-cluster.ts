import "server-only";
import { getDb } from "../db";
import { forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { seal } from "../crypto/secret-box";
import { getClusterOrThrow } from "./get-cluster";
import { probeClusterStatus, type ClusterStatus } from "./probe-cluster-status";
import { readKubeconfig } from "./read-kubeconfig";
import { updateClusterInput, type ClusterDto, type UpdateClusterInput } from "./schemas";
import { toClusterDto } from "./to-cluster-dto";

export interface UpdateClusterOptions {
  actor: Actor;
  clusterId: string;
  input: UpdateClusterInput;
}

/** A new kubeconfig is checked and probed like at registration; the name never changes. */
export async function updateCluster({ actor, clusterId, input }: UpdateClusterOptions): Promise<ClusterDto> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may change clusters.");
  const data = updateClusterInput.parse(input);
  const current = await getClusterOrThrow({ actor, clusterId });
  const { kubeconfig, ...settings } = data;
  let status: ClusterStatus | undefined;
  if (kubeconfig !== undefined) status = await probeClusterStatus(readKubeconfig(kubeconfig));
  const cluster = await getDb().$transaction(async (tx) => {
    const updated = await tx.cluster.update({
      where: { id: current.id },
      data: { ...settings, ...status, kubeconfigEncrypted: kubeconfig !== undefined ? seal(kubeconfig) : undefined },
      omit: { kubeconfigEncrypted: true },
    });
    await recordAudit(tx, { actor, teamId: null, action: "cluster.update", targetType: "cluster", targetId: current.id, data: { name: current.name, fields: Object.keys(data) } });
    return updated;
  });
  return toClusterDto(cluster);
}
