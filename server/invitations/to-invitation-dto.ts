import "server-only";
import type { InvitationDto, InvitationPreviewDto } from "./schemas";

interface InvitationRow {
  id: string;
  email: string;
  role: string;
  expiresAt: Date;
  createdAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export function toInvitationDto(row: InvitationRow, invitedBy: string | null): InvitationDto {
  return { id: row.id, email: row.email, role: row.role, invitedBy, expiresAt: row.expiresAt.toISOString(), createdAt: row.createdAt.toISOString() };
}

export function invitationState(row: InvitationRow, now = Date.now()): InvitationPreviewDto["state"] {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= now) return "expired";
  return "pending";
}
