import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { toVolumeDto, volumeDtoInclude } from "./to-volume-dto";
import type { VolumeDto } from "./schemas";

/** The team's volumes, optionally of one project or attached to one app; by project, then name. */
export async function listVolumes({ actor, projectId, appId }: { actor: Actor; projectId?: string; appId?: string }): Promise<{ volumes: VolumeDto[] }> {
  const rows = await getDb().volume.findMany({
    where: { teamId: actor.teamId, ...(projectId ? { projectId } : {}), ...(appId ? { appId } : {}) },
    include: volumeDtoInclude,
    orderBy: [{ projectId: "asc" }, { name: "asc" }],
  });
  return { volumes: rows.map(toVolumeDto) };
}
