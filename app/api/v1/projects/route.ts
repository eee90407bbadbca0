import { parseBody, route } from "@/server/http";
import { createProject } from "@/server/projects/create-project";
import { listProjects } from "@/server/projects/list-projects";
import { createProjectInput } from "@/server/projects/schemas";

export const GET = route("read", ({ actor }) => listProjects({ actor }));

export const POST = route("project:write", async ({ req, actor }) => createProject({ actor, input: await parseBody(req, createProjectInput) }));
