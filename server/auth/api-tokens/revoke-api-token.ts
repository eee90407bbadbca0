import "server-only";
import { getDb } from "../../db";
import { notFound } from "../../errors";
import type { Actor } from "../actor";
import { can } from "../permissions";
import { recordAudit } from "../../audit/record-audit";
import type { ApiTokenDto } from "./schemas";
import { toApiTokenDto } from "./to-api-token-dto";

/**
 * Revokes one of the actor's own tokens, or any token of the team for an admin. A token the
 * actor may not see (another team's, or a teammate's for a non-admin) is 404. Revoking twice
 * changes nothing.
 */
export async function revokeApiToken({ actor, tokenId }: { actor: Actor; tokenId: string }): Promise<ApiTokenDto> {
  return getDb().$transaction(async (tx) => {
    const row = await tx.apiToken.findFirst({
      where: { id: tokenId, teamId: actor.teamId, ...(can(actor, "team:members") ? {} : { userId: actor.userId }) },
      include: { user: { select: { email: true } } },
    });
    if (!row) throw notFound("API token");
    if (row.revokedAt) return toApiTokenDto(row);
    const revoked = await tx.apiToken.update({
      where: { id: row.id },
      data: { revokedAt: new Date() },
      include: { user: { select: { email: true } } },
    });
    await recordAudit(tx, {
      actor,
      action: "team.token.revoke",
      targetType: "apiToken",
      targetId: row.id,
      data: { name: row.name, prefix: row.tokenPrefix, ownerId: row.userId },
    });
    return toApiTokenDto(revoked);
  });
}
