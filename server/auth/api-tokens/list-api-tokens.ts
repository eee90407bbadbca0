import "server-only";
import { getDb } from "../../db";
import type { Actor } from "../actor";
import { can } from "../permissions";
import type { ApiTokenDto } from "./schemas";
import { toApiTokenDto } from "./to-api-token-dto";

/** The actor's own tokens in their team; team admins and owners see every member's. */
export async function listApiTokens({ actor }: { actor: Actor }): Promise<ApiTokenDto[]> {
  const rows = await getDb().apiToken.findMany({
    where: { teamId: actor.teamId, ...(can(actor, "team:members") ? {} : { userId: actor.userId }) },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toApiTokenDto);
}
