import { parseBody, route } from "@/server/http";
import { getQuota } from "@/server/teams/get-quota";
import { updateQuota } from "@/server/teams/update-quota";
import { quotaInput } from "@/server/teams/schemas";

export const GET = route("read", ({ actor }) => getQuota({ actor }));

export const PUT = route("team:quota", async ({ req, actor }) => updateQuota({ actor, input: await parseBody(req, quotaInput) }));
