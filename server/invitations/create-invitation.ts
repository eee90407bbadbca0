import "server-only";
// Invites someone by email: the answer carries a one-time link for the inviter to send (no mail
// server needed). Whether the email already has an account is never looked up, so the answer is
// the same for every address and reveals nothing about who has signed up.
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { canAssignRole } from "../auth/permissions";
import { publicUrl } from "../auth/origins";
import { recordAudit } from "../audit/record-audit";
import { INVITATION_TTL_MS, newInvitationToken } from "./invitation-token";
import { toInvitationDto } from "./to-invitation-dto";
import { createInvitationInput, type CreatedInvitationDto, type CreateInvitationInput } from "./schemas";

export interface CreateInvitationOptions {
  actor: Actor;
  input: CreateInvitationInput;
}

export async function createInvitation({ actor, input }: CreateInvitationOptions): Promise<CreatedInvitationDto> {
  const data = createInvitationInput.parse(input);
  const email = data.email.toLowerCase();
  if (!canAssignRole(actor.role, data.role)) {
    throw new AppError("FORBIDDEN", `A ${actor.role.toLowerCase()} cannot invite someone as ${data.role.toLowerCase()}; choose a role no higher than your own.`);
  }
  const db = getDb();
  const { token, tokenHash } = newInvitationToken();
  const invitation = await db.$transaction(async (tx) => {
    // Members of this team are visible to the inviter anyway, so saying so leaks nothing.
    const member = await tx.membership.findFirst({ where: { teamId: actor.teamId, user: { email } } });
    if (member) throw new AppError("CONFLICT", `${email} is already a member of this team; change their role in the members list instead.`);
    // One live link per person: a new invitation replaces an earlier pending one.
    const replaced = await tx.invitation.updateMany({
      where: { teamId: actor.teamId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const created = await tx.invitation.create({
      data: { teamId: actor.teamId, email, role: data.role, tokenHash, invitedById: actor.userId, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
    });
    await recordAudit(tx, {
      actor,
      action: "team.invitation.create",
      targetType: "invitation",
      targetId: created.id,
      data: { email, role: data.role, expiresAt: created.expiresAt.toISOString(), replacedPending: replaced.count },
    });
    return created;
  });
  return { invitation: toInvitationDto(invitation, actor.email), link: `${publicUrl()}/invite/${token}` };
}
