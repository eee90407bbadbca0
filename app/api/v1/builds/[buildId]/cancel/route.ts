import { route } from "@/server/http";
import { cancelBuild } from "@/server/builds/cancel-build";

type Params = { buildId: string };

// 200 with the canceled build: the row is final at once; a running build's worker stops within about a second.
export const POST = route<Params>("app:deploy", async ({ actor, params }) => Response.json(await cancelBuild({ actor, buildId: params.buildId })));
