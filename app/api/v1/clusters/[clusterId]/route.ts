import { parseBody, route } from "@/server/http";
import { deleteCluster } from "@/server/clusters/delete-cluster";
import { getCluster } from "@/server/clusters/get-cluster";
import { updateCluster } from "@/server/clusters/update-cluster";
import { updateClusterInput } from "@/server/clusters/schemas";

type Params = { clusterId: string };

export const GET = route<Params>("read", ({ actor, params }) => getCluster({ actor, clusterId: params.clusterId }));

export const PATCH = route<Params>("platform:admin", async ({ req, actor, params }) =>
  updateCluster({ actor, clusterId: params.clusterId, input: await parseBody(req, updateClusterInput) }),
);

export const DELETE = route<Params>("platform:admin", async ({ actor, params }) => {
  await deleteCluster({ actor, clusterId: params.clusterId });
  return new Response(null, { status: 204 });
});
