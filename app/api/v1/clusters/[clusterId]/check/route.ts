import { route } from "@/server/http";
import { checkCluster } from "@/server/clusters/check-cluster";

type Params = { clusterId: string };

// 200, not 201: a check records the probe's outcome on the existing cluster.
export const POST = route<Params>("platform:admin", async ({ actor, params }) => Response.json(await checkCluster({ actor, clusterId: params.clusterId })));
