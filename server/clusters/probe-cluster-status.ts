import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import { probeCluster } from "../runtime/kubernetes/kube-client";
import { describeProbeError } from "./probe-failure";

export interface ClusterStatus {
  server: string;
  reachable: boolean;
  version: string | null;
  lastError: string | null;
  lastCheckedAt: Date;
}

export const PROBE_TIMEOUT_MS = 10_000;

/** Probes the API server and turns either outcome into the columns a Cluster row records. */
export async function probeClusterStatus(config: KubeConfig, timeoutMs = PROBE_TIMEOUT_MS): Promise<ClusterStatus> {
  const server = config.getCurrentCluster()?.server ?? "";
  try {
    const probe = await probeCluster(config, timeoutMs);
    return { server, reachable: true, version: probe.version, lastError: null, lastCheckedAt: new Date() };
  } catch (e) {
    return { server, reachable: false, version: null, lastError: describeProbeError(e), lastCheckedAt: new Date() };
  }
}
