import { parseBody, route } from "@/server/http";
import { getDefaultQuota } from "@/server/platform/get-default-quota";
import { updateDefaultQuota } from "@/server/platform/update-default-quota";
import { teamQuotaInput } from "@/server/quotas/schemas";

export const GET = route("platform:admin", ({ actor }) => getDefaultQuota({ actor }));

export const PUT = route("platform:admin", async ({ req, actor }) => updateDefaultQuota({ actor, input: await parseBody(req, teamQuotaInput) }));
