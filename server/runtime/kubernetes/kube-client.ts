// One set of API clients per cluster (and per team credential), built from a kubeconfig held in
// memory: never a shared, switched "current context", so two clusters cannot be confused.
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  VersionApi,
} from "@kubernetes/client-node";

export interface KubeClients {
  config: KubeConfig;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  rbac: RbacAuthorizationV1Api;
  objects: KubernetesObjectApi;
}

export class KubeconfigError extends Error {}

export function loadKubeconfig(yaml: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromString(yaml);
  } catch (e) {
    throw new KubeconfigError(`The kubeconfig cannot be read: ${(e as Error).message}`);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) throw new KubeconfigError("The kubeconfig has no current context with a cluster server URL.");
  if (!config.getCurrentUser()) throw new KubeconfigError("The kubeconfig's current context has no user credentials.");
  return config;
}

export function createKubeClients(config: KubeConfig): KubeClients {
  return {
    config,
    server: config.getCurrentCluster()?.server ?? "",
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    rbac: config.makeApiClient(RbacAuthorizationV1Api),
    objects: KubernetesObjectApi.makeApiClient(config),
  };
}

export interface ClusterProbe {
  server: string;
  version: string;
}

/** Asks the API server for its version: proves the address, the TLS trust and the credentials. */
export async function probeCluster(config: KubeConfig, timeoutMs = 10_000): Promise<ClusterProbe> {
  const server = config.getCurrentCluster()?.server ?? "";
  const version = config.makeApiClient(VersionApi);
  const info = await Promise.race([
    version.getCode(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer from ${server} within ${timeoutMs / 1000} s`)), timeoutMs)),
  ]);
  return { server, version: info.gitVersion };
}
