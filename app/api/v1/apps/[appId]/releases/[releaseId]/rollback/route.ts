import { route } from "@/server/http";
import { rollbackRelease } from "@/server/releases/rollback-release";

type Params = { appId: string; releaseId: string };

export const POST = route<Params>("app:deploy", async ({ actor, params }) =>
  Response.json(await rollbackRelease({ actor, appId: params.appId, releaseId: params.releaseId }), { status: 202 }),
);
