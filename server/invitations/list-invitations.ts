import "server-only";
// The team's pending invitations (never their tokens: those were shown once, at creation).
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { toInvitationDto } from "./to-invitation-dto";
import type { InvitationDto } from "./schemas";

export async function listInvitations({ actor }: { actor: Actor }): Promise<InvitationDto[]> {
  const db = getDb();
  const rows = await db.invitation.findMany({
    where: { teamId: actor.teamId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  const inviterIds = [...new Set(rows.map((r) => r.invitedById).filter((id): id is string => id !== null))];
  const inviters = new Map((await db.user.findMany({ where: { id: { in: inviterIds } } })).map((u) => [u.id, u.email]));
  return rows.map((r) => toInvitationDto(r, r.invitedById ? (inviters.get(r.invitedById) ?? null) : null));
}
