import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertKeepsAnOwner, assertNotRankedAbove, lockMembership } from "./member-rules";

export interface RemoveMemberOptions {
  actor: Actor;
  userId: string;
}

/** Removes a member from the actor's team (never someone ranked above the actor, never the last owner). */
export async function removeMember({ actor, userId }: RemoveMemberOptions): Promise<{ userId: string; removed: true }> {
  return getDb().$transaction(async (tx) => {
    const membership = await lockMembership(tx, actor, userId);
    assertNotRankedAbove(actor, membership);
    await assertKeepsAnOwner(tx, actor.teamId, membership, "This is the team's last owner and cannot be removed: make another member owner first.");
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, { actor, action: "team.member.remove", targetType: "user", targetId: userId, data: { email: membership.user.email, role: membership.role } });
    return { userId, removed: true as const };
  });
}
