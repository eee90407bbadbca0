import { userRoute } from "@/server/http";
import { acceptInvitation } from "@/server/invitations/accept-invitation";
import { previewInvitation } from "@/server/invitations/preview-invitation";

type Params = { token: string };

// Signed in, but not necessarily a member of any team yet: the invitee may have just signed up.
export const GET = userRoute<Params>(async ({ params, user }) => ({ ...(await previewInvitation({ token: params.token })), signedInAs: user.email }));

export const POST = userRoute<Params>(({ params, user }) => acceptInvitation({ user, token: params.token }));
