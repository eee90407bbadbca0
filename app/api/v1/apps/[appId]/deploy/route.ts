import { route } from "@/server/http";
import { deployApp } from "@/server/builds/deploy-app";

type Params = { appId: string };

// 202: the build is queued; watch it at the returned build's log stream.
export const POST = route<Params>("app:deploy", async ({ actor, params }) => {
  const build = await deployApp({ actor, appId: params.appId });
  return Response.json({ build, watch: `/api/v1/builds/${build.id}/logs` }, { status: 202 });
});
