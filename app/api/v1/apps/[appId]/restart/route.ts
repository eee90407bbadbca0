import { route } from "@/server/http";
import { restartApp } from "@/server/apps/operations/restart-app";

type Params = { appId: string };

// 202: desired state written, slipwayd converges (watch the app's events); 200: nothing to change.
export const POST = route<Params>("app:deploy", async ({ actor, params }) => {
  const { app, changed } = await restartApp({ actor, appId: params.appId });
  return Response.json(app, { status: changed ? 202 : 200 });
});
