import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { canAssignRole } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { assertKeepsAnOwner, assertNotRankedAbove, lockMembership } from "./member-rules";
import { changeMemberRoleInput, type ChangeMemberRoleInput, type MemberDto } from "./schemas";

export interface ChangeMemberRoleOptions {
  actor: Actor;
  userId: string;
  input: ChangeMemberRoleInput;
}

/** Changes a member's role: only to a rank no higher than the actor's, never of someone above them, and never the last owner's. */
export async function changeMemberRole({ actor, userId, input }: ChangeMemberRoleOptions): Promise<MemberDto> {
  const { role } = changeMemberRoleInput.parse(input);
  return getDb().$transaction(async (tx) => {
    const membership = await lockMembership(tx, actor, userId);
    assertNotRankedAbove(actor, membership);
    if (!canAssignRole(actor.role, role)) {
      throw new AppError("FORBIDDEN", `A ${actor.role.toLowerCase()} cannot grant the ${role.toLowerCase()} role; choose a role no higher than your own.`);
    }
    if (membership.role !== role) {
      if (role !== "OWNER") {
        await assertKeepsAnOwner(tx, actor.teamId, membership, "This is the team's last owner: make another member owner first.");
      }
      await tx.membership.update({ where: { id: membership.id }, data: { role } });
      await recordAudit(tx, { actor, action: "team.member.role", targetType: "user", targetId: userId, data: { email: membership.user.email, from: membership.role, to: role } });
    }
    return { userId, email: membership.user.email, name: membership.user.name, role };
  });
}
