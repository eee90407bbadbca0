import { route } from "@/server/http";
import { deleteProject } from "@/server/projects/delete-project";
import { getProject } from "@/server/projects/get-project";

type Params = { projectId: string };

export const GET = route<Params>("read", ({ actor, params }) => getProject({ actor, projectId: params.projectId }));

export const DELETE = route<Params>("project:write", async ({ actor, params }) => {
  await deleteProject({ actor, projectId: params.projectId });
  return new Response(null, { status: 204 });
});
