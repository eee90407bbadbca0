import { route } from "@/server/http";
import { listReleases } from "@/server/releases/list-releases";

type Params = { appId: string };

export const GET = route<Params>("read", ({ actor, params }) => listReleases({ actor, appId: params.appId }));
