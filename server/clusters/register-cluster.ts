import "server-only";
import { getDb } from "../db";
import { AppError, forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { seal } from "../crypto/secret-box";
import { probeClusterStatus } from "./probe-cluster-status";
import { readKubeconfig } from "./read-kubeconfig";
import { registerClusterInput, type ClusterDto, type RegisterClusterInput } from "./schemas";
import { toClusterDto } from "./to-cluster-dto";

export interface RegisterClusterOptions {
  actor: Actor;
  input: RegisterClusterInput;
}

/**
 * Stores a cluster whether or not it answers: an unreachable cluster is registered with the
 * reason, so the admin can fix the network and "Check now" without uploading again.
 */
export async function registerCluster({ actor, input }: RegisterClusterOptions): Promise<ClusterDto> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may register clusters.");
  const data = registerClusterInput.parse(input);
  const db = getDb();
  if (await db.cluster.findUnique({ where: { name: data.name }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A cluster named ${data.name} is already registered.`, { fields: [{ path: "name", message: "already taken" }] });
  }
  const config = readKubeconfig(data.kubeconfig);
  const status = await probeClusterStatus(config);
  const { kubeconfig, ...settings } = data;
  const cluster = await db.$transaction(async (tx) => {
    const created = await tx.cluster.create({
      data: { ...settings, ...status, kubeconfigEncrypted: seal(kubeconfig) },
      omit: { kubeconfigEncrypted: true },
    });
    await recordAudit(tx, {
      actor,
      teamId: null,
      action: "cluster.register",
      targetType: "cluster",
      targetId: created.id,
      data: { name: created.name, server: created.server, reachable: created.reachable },
    });
    return created;
  });
  return toClusterDto(cluster);
}
