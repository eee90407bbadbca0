import { parseBody, route } from "@/server/http";
import { updateProjectQuota } from "@/server/quotas/update-project-quota";
import { projectQuotaInput } from "@/server/quotas/schemas";

type Params = { projectId: string };

export const PUT = route<Params>("team:quota", async ({ req, actor, params }) =>
  updateProjectQuota({ actor, projectId: params.projectId, input: await parseBody(req, projectQuotaInput) }),
);
