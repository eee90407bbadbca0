import "server-only";
// For runtime drivers only (the web server's driver calls and slipwayd's reconciler, which act
// for the platform rather than for a member): no route may return what this reads.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { open } from "../crypto/secret-box";

export interface ClusterConnection {
  id: string;
  name: string;
  server: string;
  imageRegistry: string;
  ingressClassName: string;
  ingressNamespace: string;
  ingressDomain: string;
  appNodeSelector: string;
  storageClassName: string;
  /** The decrypted kubeconfig YAML: load it with loadKubeconfig, never log it. */
  kubeconfig: string;
}

export async function getClusterKubeconfig({ clusterName }: { clusterName: string }): Promise<ClusterConnection> {
  const cluster = await getDb().cluster.findUnique({ where: { name: clusterName } });
  if (!cluster) throw notFound(`Cluster ${clusterName}`);
  const { kubeconfigEncrypted, id, name, server, imageRegistry, ingressClassName, ingressNamespace, ingressDomain, appNodeSelector, storageClassName } = cluster;
  let kubeconfig: string;
  try {
    kubeconfig = open(kubeconfigEncrypted);
  } catch {
    throw new AppError(
      "RUNTIME_UNAVAILABLE",
      `The kubeconfig of cluster ${name} cannot be decrypted: this process must use the same SLIPWAY_SECRET_KEY (or data dir) as the web server that registered it.`,
    );
  }
  return { id, name, server, imageRegistry, ingressClassName, ingressNamespace, ingressDomain, appNodeSelector, storageClassName, kubeconfig };
}
