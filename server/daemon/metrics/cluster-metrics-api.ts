// Whether a cluster serves the resource metrics API (metrics.k8s.io, i.e. a metrics-server runs),
// from the API server's discovery, remembered for a few minutes per cluster. Loaded lazily (the
// Kubernetes client is big), only when a cluster app's charts are asked for.
import { ApisApi } from "@kubernetes/client-node";
import { getClusterKubeconfig } from "../../clusters/get-cluster-kubeconfig";
import { loadKubeconfig } from "../../runtime/kubernetes/kube-client";

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; served: boolean }>();

export async function clusterServesMetricsApi(clusterName: string, timeoutMs = 5000): Promise<boolean> {
  const hit = cache.get(clusterName);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.served;
  const connection = await getClusterKubeconfig({ clusterName });
  const apis = loadKubeconfig(connection.kubeconfig).makeApiClient(ApisApi);
  let timer: NodeJS.Timeout | undefined;
  const groups = await Promise.race([
    apis.getAPIVersions(),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`cluster ${clusterName}: no answer to API discovery within ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  const served = groups.groups.some((g) => g.name === "metrics.k8s.io");
  cache.set(clusterName, { at: Date.now(), served });
  return served;
}
