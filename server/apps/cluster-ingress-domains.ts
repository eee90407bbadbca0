import "server-only";
import { getDb } from "../db";
import { clusterNameOf } from "../runtime/runtime-target";

/**
 * Cluster name → ingress domain for the clusters these apps run on, for their URLs. Embedded apps
 * need none, so the common case (and the app page's polling) costs no query.
 */
export async function clusterIngressDomains(apps: { runtimeTarget: string }[]): Promise<Map<string, string>> {
  const names = [...new Set(apps.map((a) => clusterNameOf(a.runtimeTarget)).filter((n): n is string => n !== null))];
  if (!names.length) return new Map();
  const clusters = await getDb().cluster.findMany({ where: { name: { in: names } }, select: { name: true, ingressDomain: true } });
  return new Map(clusters.map((c) => [c.name, c.ingressDomain]));
}
