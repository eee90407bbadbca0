import "server-only";
// A new volume of a project, optionally attached to one of its apps at once. Its size counts
// against the team's (and the project's) storage quota from this moment; the runtime makes it.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { eventActor } from "../apps/events/event-actor";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { assertAttachable } from "./attachment-rules";
import { findAppForVolume } from "./find-app-for-volume";
import { normalizeMountPath } from "./mount-path";
import { applyMountChange } from "./mount-on-app";
import { createVolumeInput, type CreateVolumeInput, type VolumeDto } from "./schemas";
import { toVolumeDto, volumeDtoInclude } from "./to-volume-dto";

export async function createVolume({ actor, input }: { actor: Actor; input: CreateVolumeInput }): Promise<{ volume: VolumeDto }> {
  const data = createVolumeInput.parse(input);
  if ((data.appId === undefined) !== (data.mountPath === undefined)) {
    const path = data.appId === undefined ? "appId" : "mountPath";
    throw new AppError("VALIDATION", "To attach the new volume at once, give both appId and mountPath (or neither).", { fields: [{ path, message: "is required with the other" }] });
  }
  const db = getDb();
  const project = await db.project.findFirst({ where: { id: data.projectId, teamId: actor.teamId }, select: { id: true, slug: true } });
  if (!project) throw notFound("Project");
  const who = await eventActor(db, actor);
  const mountPath = data.mountPath === undefined ? "" : normalizeMountPath(data.mountPath);
  const created = await db
    .$transaction(async (tx) => {
      await assertWithinQuota(tx, { teamId: actor.teamId, action: `Creating the volume ${data.name} (${data.sizeGib} GiB)`, projectId: project.id, addStorageGib: data.sizeGib });
      const app = data.appId ? await findAppForVolume(tx, actor.teamId, data.appId) : null;
      const volume = await tx.volume.create({ data: { teamId: actor.teamId, projectId: project.id, name: data.name, sizeGib: data.sizeGib } });
      if (app) {
        await assertAttachable(tx, { volume, app, mountPath });
        await tx.volume.update({ where: { id: volume.id }, data: { appId: app.id, mountPath } });
        await applyMountChange(tx, { teamId: actor.teamId, app, kind: "volume_attached", who, message: `attached the new volume ${data.name} (${data.sizeGib} GiB) at ${mountPath} (by ${who.label})` });
      }
      await recordAudit(tx, { actor, action: "volume.create", targetType: "volume", targetId: volume.id, data: { name: data.name, project: project.slug, sizeGib: data.sizeGib, ...(app ? { app: app.slug, mountPath } : {}) } });
      return tx.volume.findUniqueOrThrow({ where: { id: volume.id }, include: volumeDtoInclude });
    })
    .catch((e: unknown) => {
      if ((e as { code?: string }).code === "P2002") {
        throw new AppError("CONFLICT", `The project ${project.slug} already has a volume named ${data.name}.`, { fields: [{ path: "name", message: "is taken in this project" }] });
      }
      throw e;
    });
  await nudgeSlipwayd(`volume ${created.id} created`);
  return { volume: toVolumeDto(created) };
}
