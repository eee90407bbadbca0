import "server-only";
// The runtime is emptied first: if that fails the app row stays, so nothing is left running
// that the platform no longer knows about.
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getRuntimeDriver } from "../runtime/get-runtime-driver";
import { getAppOrThrow } from "./get-app";

export async function deleteApp({ actor, appId }: { actor: Actor; appId: string }): Promise<void> {
  const app = await getAppOrThrow({ actor, appId });
  await (await getRuntimeDriver(app.project.cluster)).remove({ appId: app.id, teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug });
  await getDb().$transaction(async (tx) => {
    // Its volumes outlive it, detached with their data (delete them on the Volumes page).
    const detached = await tx.volume.findMany({ where: { appId: app.id }, select: { name: true } });
    await tx.volume.updateMany({ where: { appId: app.id }, data: { appId: null, mountPath: "" } });
    await tx.app.delete({ where: { id: app.id } });
    await recordAudit(tx, { actor, action: "app.delete", targetType: "app", targetId: app.id, data: { slug: app.slug, ...(detached.length ? { detachedVolumes: detached.map((v) => v.name) } : {}) } });
  });
}
