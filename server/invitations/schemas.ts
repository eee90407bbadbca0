import { z } from "zod";
import { roles } from "../auth/permissions";

export const INVITATION_TOKEN_HEADER = "x-slipway-invitation-token";

export const createInvitationInput = z.object({
  email: z.string().trim().email("Enter an email address.").max(254),
  role: z.enum(roles),
});
export type CreateInvitationInput = z.infer<typeof createInvitationInput>;

export interface InvitationDto {
  id: string;
  email: string;
  role: string;
  invitedBy: string | null;
  expiresAt: string;
  createdAt: string;
}

/** The one answer that carries the link: it is shown to the inviter once, to send themselves. */
export interface CreatedInvitationDto {
  invitation: InvitationDto;
  link: string;
}

/** What the holder of a link sees before accepting. */
export interface InvitationPreviewDto {
  email: string;
  role: string;
  team: { slug: string; name: string };
  invitedBy: string | null;
  expiresAt: string;
  /** "pending", or why it can no longer be accepted. */
  state: "pending" | "expired" | "accepted" | "revoked";
}
