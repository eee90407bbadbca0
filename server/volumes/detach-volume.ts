import "server-only";
// Detaches a volume from its app: the app's replicas are replaced by ones without it; the data
// stays in the volume.
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { eventActor } from "../apps/events/event-actor";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getVolumeOrThrow } from "./get-volume";
import { applyMountChange } from "./mount-on-app";
import type { VolumeDto } from "./schemas";
import { toVolumeDto } from "./to-volume-dto";

export async function detachVolume({ actor, volumeId }: { actor: Actor; volumeId: string }): Promise<{ volume: VolumeDto; changed: boolean }> {
  const db = getDb();
  const who = await eventActor(db, actor);
  const result = await db.$transaction(async (tx) => {
    const volume = await getVolumeOrThrow({ actor, volumeId, db: tx });
    if (!volume.appId) return { volume, changed: false };
    const busy = await tx.volumeRestore.findFirst({ where: { volumeId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (busy) throw new AppError("CONFLICT", `The volume ${volume.name} is being restored; detach it when the restore has finished.`);
    const app = await tx.app.findUniqueOrThrow({ where: { id: volume.appId }, select: { id: true, slug: true, liveReleaseId: true, stopped: true } });
    await tx.volume.update({ where: { id: volume.id }, data: { appId: null, mountPath: "" } });
    await applyMountChange(tx, { teamId: actor.teamId, app, kind: "volume_detached", who, message: `detached the volume ${volume.name} from ${volume.mountPath} (by ${who.label}); its data is kept in the volume` });
    await recordAudit(tx, { actor, action: "volume.detach", targetType: "volume", targetId: volume.id, data: { name: volume.name, app: app.slug, mountPath: volume.mountPath } });
    return { volume: await getVolumeOrThrow({ actor, volumeId, db: tx }), changed: true };
  });
  if (result.changed) await nudgeSlipwayd(`volume ${volumeId} detached`);
  return { volume: toVolumeDto(result.volume), changed: result.changed };
}
