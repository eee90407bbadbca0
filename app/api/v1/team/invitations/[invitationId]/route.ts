import { route } from "@/server/http";
import { revokeInvitation } from "@/server/invitations/revoke-invitation";

export const DELETE = route<{ invitationId: string }>("team:members", ({ params, actor }) => revokeInvitation({ actor, invitationId: params.invitationId }));
