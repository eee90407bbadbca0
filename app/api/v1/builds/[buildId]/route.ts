import { route } from "@/server/http";
import { getBuild } from "@/server/builds/get-build";

type Params = { buildId: string };

export const GET = route<Params>("read", ({ actor, params }) => getBuild({ actor, buildId: params.buildId }));
