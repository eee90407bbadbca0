import { parseBody, route } from "@/server/http";
import { deleteProject } from "@/server/projects/delete-project";
import { getProject } from "@/server/projects/get-project";
import { updateProject } from "@/server/projects/update-project";
import { updateProjectInput } from "@/server/projects/schemas";

type Params = { projectId: string };

export const GET = route<Params>("read", ({ actor, params }) => getProject({ actor, projectId: params.projectId }));

export const PATCH = route<Params>("project:write", async ({ req, actor, params }) =>
  updateProject({ actor, projectId: params.projectId, input: await parseBody(req, updateProjectInput) }),
);

export const DELETE = route<Params>("project:write", async ({ actor, params }) => {
  await deleteProject({ actor, projectId: params.projectId });
  return new Response(null, { status: 204 });
});
