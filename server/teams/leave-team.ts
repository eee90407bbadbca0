import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertKeepsAnOwner, lockMembership } from "./member-rules";

/** The actor leaves their current team (the last owner may not: the team would have nobody to run it). */
export async function leaveTeam({ actor }: { actor: Actor }): Promise<{ teamId: string; left: true }> {
  return getDb().$transaction(async (tx) => {
    const membership = await lockMembership(tx, actor, actor.userId);
    await assertKeepsAnOwner(tx, actor.teamId, membership, "You are this team's last owner: make another member owner before you leave.");
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, { actor, action: "team.member.leave", targetType: "user", targetId: actor.userId, data: { email: actor.email, role: membership.role } });
    return { teamId: actor.teamId, left: true as const };
  });
}
