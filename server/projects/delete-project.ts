import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getProjectOrThrow } from "./get-project";

export async function deleteProject({ actor, projectId }: { actor: Actor; projectId: string }): Promise<void> {
  const project = await getProjectOrThrow({ actor, projectId });
  if (project._count.apps > 0) {
    throw new AppError("CONFLICT", `Project ${project.slug} still has ${project._count.apps} app(s); delete them first.`);
  }
  const db = getDb();
  await db.$transaction(async (tx) => {
    // A volume's data lives where its project runs: deleting the project must not drop it unseen.
    const volumes = await tx.volume.count({ where: { projectId: project.id } });
    if (volumes > 0) {
      throw new AppError("CONFLICT", `Project ${project.slug} still has ${volumes} volume(s), whose data would be lost; back them up if you need to, delete them, then delete the project.`);
    }
    await tx.project.delete({ where: { id: project.id } });
    await recordAudit(tx, { actor, action: "project.delete", targetType: "project", targetId: project.id, data: { slug: project.slug } });
  });
}
