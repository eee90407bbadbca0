import { parseQuery, route } from "@/server/http";
import { listManagedPods } from "@/server/clusters/list-managed-pods";
import { listManagedPodsQuery } from "@/server/clusters/pod-schemas";

type Params = { clusterId: string };

// ?limit=500&continue=<token>: one page of the pods the actor may see (the service scopes it).
export const GET = route<Params>("read", async ({ req, actor, params }) => {
  const query = parseQuery(req, listManagedPodsQuery);
  return listManagedPods({ actor, clusterId: params.clusterId, limit: query.limit, continueToken: query.continue });
});
