import "server-only";
// Attaches a volume to an app of its project at a mount path (or moves it to another path of the
// same app). The app's replicas are replaced by ones that mount it.
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { eventActor } from "../apps/events/event-actor";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { assertAttachable } from "./attachment-rules";
import { findAppForVolume } from "./find-app-for-volume";
import { getVolumeOrThrow } from "./get-volume";
import { normalizeMountPath } from "./mount-path";
import { applyMountChange } from "./mount-on-app";
import { attachVolumeInput, type AttachVolumeInput, type VolumeDto } from "./schemas";
import { toVolumeDto } from "./to-volume-dto";

export async function attachVolume({ actor, volumeId, input }: { actor: Actor; volumeId: string; input: AttachVolumeInput }): Promise<{ volume: VolumeDto; changed: boolean }> {
  const data = attachVolumeInput.parse(input);
  const mountPath = normalizeMountPath(data.mountPath);
  const db = getDb();
  const who = await eventActor(db, actor);
  const result = await db.$transaction(async (tx) => {
    const volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
    const app = await findAppForVolume(tx, actor.teamId, data.appId);
    // The same request again changes nothing (a retried click is harmless).
    if (volume.appId === app.id && volume.mountPath === mountPath) return { volume, changed: false };
    await assertAttachable(tx, { volume, app, mountPath });
    const moved = volume.appId === app.id ? ` (was ${volume.mountPath})` : "";
    await tx.volume.update({ where: { id: volume.id }, data: { appId: app.id, mountPath } });
    await applyMountChange(tx, { teamId: actor.teamId, app, kind: "volume_attached", who, message: `attached the volume ${volume.name} at ${mountPath}${moved} (by ${who.label})` });
    await recordAudit(tx, { actor, action: "volume.attach", targetType: "volume", targetId: volume.id, data: { name: volume.name, app: app.slug, mountPath, ...(moved ? { from: volume.mountPath } : {}) } });
    return { volume: await getVolumeOrThrow({ actor, volumeId, db: tx }), changed: true };
  });
  if (result.changed) await nudgeSlipwayd(`volume ${volumeId} attached`);
  return { volume: toVolumeDto(result.volume), changed: result.changed };
}
