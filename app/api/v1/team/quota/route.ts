import { route } from "@/server/http";
import { getQuota } from "@/server/teams/get-quota";

// Read-only for the team: its ceiling is the platform admin's (PUT /platform/teams/:id/quota).
export const GET = route("read", ({ actor }) => getQuota({ actor }));
