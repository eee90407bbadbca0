import { route } from "@/server/http";
import { leaveTeam } from "@/server/teams/leave-team";

// Session only: a token (even a viewer's) must not be able to take its owner out of the team.
export const POST = route("self", ({ actor }) => leaveTeam({ actor }), { sessionOnly: true });
