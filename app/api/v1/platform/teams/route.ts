import { route } from "@/server/http";
import { listPlatformTeams } from "@/server/platform/list-platform-teams";

export const GET = route("platform:admin", ({ actor }) => listPlatformTeams({ actor }));
