import { route } from "@/server/http";
import { listBuilds } from "@/server/builds/list-builds";

type Params = { appId: string };

export const GET = route<Params>("read", ({ actor, params }) => listBuilds({ actor, appId: params.appId }));
