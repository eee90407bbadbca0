import { route } from "@/server/http";
import { listMembers } from "@/server/teams/list-members";

// Members join through invitations (POST /team/invitations); nobody is added without consent.
export const GET = route("read", ({ actor }) => listMembers({ actor }));
