import { parseBody, route } from "@/server/http";
import { getLogRetention } from "@/server/logs/get-log-retention";
import { updateLogRetention } from "@/server/logs/update-log-retention";
import { logRetentionInput } from "@/server/logs/schemas";

// How long the team's runtime logs are kept and how much of them; team admins change it within
// the platform's maximums.
export const GET = route("read", ({ actor }) => getLogRetention({ actor }));
export const PATCH = route("team:quota", async ({ req, actor }) => updateLogRetention({ actor, input: await parseBody(req, logRetentionInput) }));
