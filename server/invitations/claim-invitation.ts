import "server-only";
// The one place an invitation turns into a membership: on accepting a link, and on signing up
// with one. Every check is made inside the caller's transaction, and the invitation is marked
// used by a conditional update, so a link works exactly once even when two requests race.
import type { Tx } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { canAssignRole } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { findInvitationByToken } from "./find-invitation-by-token";
import { invitationState } from "./to-invitation-dto";

export interface ClaimInvitationOptions {
  token: string;
  user: { userId: string; email: string; isPlatformAdmin: boolean };
}

export function goneInvitationError(state: "expired" | "accepted" | "revoked", inviter: string | null): AppError {
  const ask = inviter ? `Ask ${inviter} for a new invitation.` : "Ask a team admin for a new invitation.";
  const why = state === "expired" ? "This invitation has expired." : state === "accepted" ? "This invitation has already been used." : "This invitation was revoked.";
  return new AppError("GONE", `${why} ${ask}`, { details: { state } });
}

export async function claimInvitation(tx: Tx, { token, user }: ClaimInvitationOptions) {
  const invitation = await findInvitationByToken(token, tx);
  if (!invitation) throw notFound("Invitation");
  const state = invitationState(invitation);
  if (state !== "pending") throw goneInvitationError(state, invitation.inviterLabel);
  if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError(
      "FORBIDDEN",
      `This invitation is for ${invitation.email}, and you are signed in as ${user.email}. Sign in (or sign up) as ${invitation.email} to accept it.`,
    );
  }
  // An invitation carries its inviter's authority: once they have left the team or been demoted
  // below the role they offered, it can no longer be used.
  const inviter = invitation.invitedById
    ? await tx.membership.findUnique({ where: { teamId_userId: { teamId: invitation.teamId, userId: invitation.invitedById } } })
    : null;
  if (!inviter || !canAssignRole(inviter.role, invitation.role)) {
    throw new AppError("GONE", "The person who sent this invitation can no longer grant that role in the team. Ask a team admin for a new invitation.", {
      details: { state: "inviter-gone" },
    });
  }
  const existing = await tx.membership.findUnique({ where: { teamId_userId: { teamId: invitation.teamId, userId: user.userId } } });
  if (existing) {
    throw new AppError("CONFLICT", `You are already a member of team ${invitation.team.slug} (as ${existing.role.toLowerCase()}); the invitation was not used.`);
  }
  const { count } = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { acceptedAt: new Date(), acceptedById: user.userId },
  });
  if (count !== 1) throw goneInvitationError("accepted", invitation.inviterLabel);
  await tx.membership.create({ data: { teamId: invitation.teamId, userId: user.userId, role: invitation.role } });
  const actor: Actor = {
    userId: user.userId,
    email: user.email,
    isPlatformAdmin: user.isPlatformAdmin,
    teamId: invitation.teamId,
    teamSlug: invitation.team.slug,
    role: invitation.role,
    via: "session",
  };
  await recordAudit(tx, { actor, action: "team.invitation.accept", targetType: "invitation", targetId: invitation.id, data: { email: invitation.email, role: invitation.role } });
  return { team: { id: invitation.team.id, slug: invitation.team.slug, name: invitation.team.name }, role: invitation.role };
}
