import { route } from "@/server/http";
import { leaveTeam } from "@/server/teams/leave-team";

export const POST = route("self", ({ actor }) => leaveTeam({ actor }));
