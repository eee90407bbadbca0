import { parseBody, route } from "@/server/http";
import { listClusters } from "@/server/clusters/list-clusters";
import { registerCluster } from "@/server/clusters/register-cluster";
import { registerClusterInput } from "@/server/clusters/schemas";

// Clusters are platform-wide: any member may list them (to choose a target); only a platform
// admin registers or changes them (the wrapper checks, the services check again).
export const GET = route("read", ({ actor }) => listClusters({ actor }));

export const POST = route("platform:admin", async ({ req, actor }) => registerCluster({ actor, input: await parseBody(req, registerClusterInput) }));
