import "server-only";
// The invitation a link points at, whatever its state (callers decide what a used or expired one
// means for them), with its team and inviter.
import { getDb, type Db, type Tx } from "../db";
import { notFound } from "../errors";
import { hashInvitationToken } from "./invitation-token";

export async function findInvitationByToken(token: string, db: Db | Tx = getDb()) {
  // A malformed token cannot match; answer as for an unknown one without a lookup.
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(token) }, include: { team: true } });
  if (!invitation) return null;
  const inviter = invitation.invitedById ? await db.user.findUnique({ where: { id: invitation.invitedById } }) : null;
  return { ...invitation, inviterLabel: inviter ? (inviter.name ? `${inviter.name} <${inviter.email}>` : inviter.email) : null };
}

export async function findInvitationByTokenOrThrow(token: string, db: Db | Tx = getDb()) {
  const invitation = await findInvitationByToken(token, db);
  if (!invitation) throw notFound("Invitation");
  return invitation;
}
