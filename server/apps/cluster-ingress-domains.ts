import "server-only";
import { getDb } from "../db";

/**
 * Cluster name → ingress domain for the clusters these apps run on, for their URLs. Embedded apps
 * need none, so the common case (and the app page's polling) costs no query.
 */
export async function clusterIngressDomains(apps: { runtimeTarget: string }[]): Promise<Map<string, string>> {
  const names = [...new Set(apps.filter((a) => a.runtimeTarget.startsWith("cluster:")).map((a) => a.runtimeTarget.slice("cluster:".length)))];
  if (!names.length) return new Map();
  const clusters = await getDb().cluster.findMany({ where: { name: { in: names } }, select: { name: true, ingressDomain: true } });
  return new Map(clusters.map((c) => [c.name, c.ingressDomain]));
}
