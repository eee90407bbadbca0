import "server-only";
import { getDb } from "../db";
import { AppError, forbidden } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getClusterOrThrow } from "./get-cluster";

/** Refused while any project (of any team) targets the cluster: its apps would lose their runtime. */
export async function deleteCluster({ actor, clusterId }: { actor: Actor; clusterId: string }): Promise<void> {
  if (!actor.isPlatformAdmin) throw forbidden("Only a platform admin may delete clusters.");
  const cluster = await getClusterOrThrow({ actor, clusterId });
  const db = getDb();
  await db.$transaction(async (tx) => {
    const projects = await tx.project.findMany({
      where: { clusterId: cluster.id },
      select: { slug: true, team: { select: { slug: true } } },
      orderBy: { createdAt: "asc" },
    });
    if (projects.length) {
      const names = projects.map((p) => `${p.team.slug}/${p.slug}`);
      throw new AppError(
        "CONFLICT",
        `Cluster ${cluster.name} is the runtime target of ${names.length} project(s): ${names.join(", ")}. Move them to another target first.`,
        { details: { projects: names } },
      );
    }
    await tx.cluster.delete({ where: { id: cluster.id } });
    await recordAudit(tx, { actor, teamId: null, action: "cluster.delete", targetType: "cluster", targetId: cluster.id, data: { name: cluster.name } });
  });
}
