import { parseBody, route } from "@/server/http";
import { createInvitation } from "@/server/invitations/create-invitation";
import { listInvitations } from "@/server/invitations/list-invitations";
import { createInvitationInput } from "@/server/invitations/schemas";

export const GET = route("team:members", ({ actor }) => listInvitations({ actor }));

export const POST = route("team:members", async ({ req, actor }) => createInvitation({ actor, input: await parseBody(req, createInvitationInput) }));
