import "server-only";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { canAssignRole } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";

export interface RevokeInvitationOptions {
  actor: Actor;
  invitationId: string;
}

/** Revokes a pending invitation of the actor's team; its link stops working at once. */
export async function revokeInvitation({ actor, invitationId }: RevokeInvitationOptions): Promise<{ id: string; revoked: true }> {
  const db = getDb();
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, teamId: actor.teamId } });
    if (!invitation) throw notFound("Invitation");
    // Only someone who could have granted the role may withdraw it (an admin cannot cancel an owner's invitation of an owner).
    if (!canAssignRole(actor.role, invitation.role)) {
      throw new AppError("FORBIDDEN", `A ${actor.role.toLowerCase()} cannot revoke an invitation as ${invitation.role.toLowerCase()}.`);
    }
    if (invitation.acceptedAt) throw new AppError("CONFLICT", "This invitation was already accepted; remove the member instead.");
    if (!invitation.revokedAt) {
      await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: new Date() } });
      await recordAudit(tx, { actor, action: "team.invitation.revoke", targetType: "invitation", targetId: invitation.id, data: { email: invitation.email, role: invitation.role } });
    }
    return { id: invitation.id, revoked: true as const };
  });
}
