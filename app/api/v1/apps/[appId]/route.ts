import { parseBody, route } from "@/server/http";
import { deleteApp } from "@/server/apps/delete-app";
import { getApp } from "@/server/apps/get-app";
import { updateApp } from "@/server/apps/update-app";
import { updateAppInput } from "@/server/apps/schemas";

type Params = { appId: string };

export const GET = route<Params>("read", ({ actor, params }) => getApp({ actor, appId: params.appId }));

export const PATCH = route<Params>("app:write", async ({ req, actor, params }) =>
  updateApp({ actor, appId: params.appId, input: await parseBody(req, updateAppInput) }),
);

export const DELETE = route<Params>("app:write", async ({ actor, params }) => {
  await deleteApp({ actor, appId: params.appId });
  return new Response(null, { status: 204 });
});
