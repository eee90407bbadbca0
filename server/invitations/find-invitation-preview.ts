import "server-only";
// For pages: an invitation link's preview, or null when the token matches nothing.
import { isAppError } from "../errors";
import { previewInvitation } from "./preview-invitation";
import type { InvitationPreviewDto } from "./schemas";

export async function findInvitationPreview(token: string): Promise<InvitationPreviewDto | null> {
  try {
    return await previewInvitation({ token });
  } catch (error) {
    // Only "no such invitation" becomes null; anything else is a real failure.
    if (isAppError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}
