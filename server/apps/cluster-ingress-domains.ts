import "server-only";
import { getDb } from "../db";

/** Cluster name → ingress domain, for the URLs of apps that run on clusters. */
export async function clusterIngressDomains(): Promise<Map<string, string>> {
  const clusters = await getDb().cluster.findMany({ select: { name: true, ingressDomain: true } });
  return new Map(clusters.map((c) => [c.name, c.ingressDomain]));
}
