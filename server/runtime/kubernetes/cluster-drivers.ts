import "server-only";
// One KubernetesDriver per registered cluster, rebuilt when the cluster's record changes (a new
// kubeconfig, registry or ingress setting): never one shared client switched between clusters.
import { getDb } from "../../db";
import { getClusterKubeconfig } from "../../clusters/get-cluster-kubeconfig";
import { loadKubeconfig } from "./kube-client";
import { KubernetesDriver } from "./kubernetes-driver";

const drivers = new Map<string, { version: string; driver: KubernetesDriver }>();

export async function getClusterDriver(clusterName: string): Promise<KubernetesDriver> {
  const row = await getDb().cluster.findUnique({ where: { name: clusterName }, select: { updatedAt: true } });
  const version = row ? row.updatedAt.toISOString() : "missing";
  const cached = drivers.get(clusterName);
  if (cached && cached.version === version) return cached.driver;
  const connection = await getClusterKubeconfig({ clusterName });
  const driver = new KubernetesDriver({
    clusterName,
    admin: loadKubeconfig(connection.kubeconfig),
    imageRegistry: connection.imageRegistry,
    ingressClassName: connection.ingressClassName,
    ingressNamespace: connection.ingressNamespace,
    ingressDomain: connection.ingressDomain,
    appNodeSelector: connection.appNodeSelector,
    storageClassName: connection.storageClassName,
  });
  drivers.set(clusterName, { version, driver });
  return driver;
}
