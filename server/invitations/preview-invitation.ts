import "server-only";
// What a link offers, for its holder: team, role, inviter, expiry and whether it can still be used.
// Holding the link is the right to see this; nothing else about the team is shown.
import { findInvitationByTokenOrThrow } from "./find-invitation-by-token";
import { invitationState } from "./to-invitation-dto";
import type { InvitationPreviewDto } from "./schemas";

export async function previewInvitation({ token }: { token: string }): Promise<InvitationPreviewDto> {
  const invitation = await findInvitationByTokenOrThrow(token);
  return {
    email: invitation.email,
    role: invitation.role,
    team: { slug: invitation.team.slug, name: invitation.team.name },
    invitedBy: invitation.inviterLabel,
    expiresAt: invitation.expiresAt.toISOString(),
    state: invitationState(invitation),
  };
}
