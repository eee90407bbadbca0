// The one place a runtime target is read or written. Projects and apps store "embedded" (slipwayd
// on this machine) or "cluster:<name>" (a registered Kubernetes cluster); everything that needs to
// know which goes through here. Free of imports: client components read it too.
export const EMBEDDED_TARGET = "embedded";

const CLUSTER_PREFIX = "cluster:";

/** A database filter for every app or project that targets some cluster. */
export const ON_ANY_CLUSTER = { startsWith: CLUSTER_PREFIX } as const;

/** The runtime target of a registered cluster. */
export function clusterTarget(name: string): string {
  return CLUSTER_PREFIX + name;
}

/** The cluster name of a "cluster:<name>" runtime target; null for "embedded" (or anything else). */
export function clusterNameOf(target: string): string | null {
  return target.startsWith(CLUSTER_PREFIX) ? target.slice(CLUSTER_PREFIX.length) || null : null;
}
