import { parseBody, route } from "@/server/http";
import { createApp } from "@/server/apps/create-app";
import { listApps } from "@/server/apps/list-apps";
import { createAppInput } from "@/server/apps/schemas";

type Params = { projectId: string };

export const GET = route<Params>("read", ({ actor, params }) => listApps({ actor, projectId: params.projectId }));

export const POST = route<Params>("app:write", async ({ req, actor, params }) =>
  createApp({ actor, projectId: params.projectId, input: await parseBody(req, createAppInput) }),
);
