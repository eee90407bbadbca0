import { parseBody, route } from "@/server/http";
import { updateTeamQuota } from "@/server/platform/update-team-quota";
import { teamQuotaInput } from "@/server/quotas/schemas";

type Params = { teamId: string };

export const PUT = route<Params>("platform:admin", async ({ req, actor, params }) =>
  updateTeamQuota({ actor, teamId: params.teamId, input: await parseBody(req, teamQuotaInput) }),
);
