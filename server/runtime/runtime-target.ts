// The one place a runtime target is spelled. A project runs on a registered Kubernetes cluster
// (Project.clusterId, a relation) or on the embedded runtime (slipwayd on this machine: no
// cluster); its apps run where it does. The API and the pages spell that "embedded" or
// "cluster:<name>"; everything that reads or writes that spelling goes through here. Free of
// imports: client components read it too.
export const EMBEDDED_TARGET = "embedded";

const CLUSTER_PREFIX = "cluster:";

/** The API's spelling of where a project (and its apps) runs. */
export function runtimeTargetOf(cluster: { name: string } | null): string {
  return cluster ? clusterTarget(cluster.name) : EMBEDDED_TARGET;
}

/** The runtime target of a registered cluster. */
export function clusterTarget(name: string): string {
  return CLUSTER_PREFIX + name;
}

/** The cluster name of a "cluster:<name>" runtime target; null for "embedded" (or anything else). */
export function clusterNameOf(target: string): string | null {
  return target.startsWith(CLUSTER_PREFIX) ? target.slice(CLUSTER_PREFIX.length) || null : null;
}
