import type { Cluster } from "../generated/sqlite/client";
import type { ClusterDto } from "./schemas";
import { clusterTarget } from "../runtime/runtime-target";
import { probeFailureHint } from "./probe-failure";

/** Any cluster row, with or without its sealed kubeconfig: it is never copied over. */
type ClusterRow = Omit<Cluster, "kubeconfigEncrypted" | "updatedAt">;

/** Picks fields one by one so the sealed kubeconfig can never ride along in a response. */
export function toClusterDto(c: ClusterRow): ClusterDto {
  return {
    id: c.id,
    name: c.name,
    target: clusterTarget(c.name),
    server: c.server,
    imageRegistry: c.imageRegistry,
    ingressClassName: c.ingressClassName,
    ingressNamespace: c.ingressNamespace,
    ingressDomain: c.ingressDomain,
    appNodeSelector: c.appNodeSelector,
    storageClassName: c.storageClassName,
    reachable: c.reachable,
    version: c.version,
    lastError: c.lastError,
    hint: !c.reachable && c.lastError ? probeFailureHint(c.lastError) : null,
    lastCheckedAt: c.lastCheckedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}
