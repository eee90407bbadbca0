import { route } from "@/server/http";
import { removeDomain } from "@/server/domains/remove-domain";

type Params = { appId: string; domainId: string };

export const DELETE = route<Params>("app:write", async ({ actor, params }) => {
  await removeDomain({ actor, appId: params.appId, domainId: params.domainId });
  return new Response(null, { status: 204 });
});
