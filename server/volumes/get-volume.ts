import "server-only";
import { getDb, type Db, type Tx } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { toVolumeDto, volumeDtoInclude, type VolumeWithRelations } from "./to-volume-dto";
import type { VolumeDto } from "./schemas";

/** A volume of the actor's team (one being deleted included); another team's is "not found". */
export async function getVolumeOrThrow({ actor, volumeId, db = getDb() }: { actor: Pick<Actor, "teamId">; volumeId: string; db?: Db | Tx }): Promise<VolumeWithRelations> {
  const volume = await db.volume.findFirst({ where: { id: volumeId, teamId: actor.teamId }, include: volumeDtoInclude });
  if (!volume) throw notFound("Volume");
  return volume;
}

export async function getVolume({ actor, volumeId }: { actor: Actor; volumeId: string }): Promise<{ volume: VolumeDto }> {
  return { volume: toVolumeDto(await getVolumeOrThrow({ actor, volumeId })) };
}
