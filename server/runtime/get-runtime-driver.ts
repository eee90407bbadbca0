import "server-only";
import type { RuntimeDriver } from "./runtime-driver";
import { getEmbeddedDriver } from "./embedded/embedded-driver";
import { getClusterDriver } from "./kubernetes/cluster-drivers";

/** The driver for where an app runs: its project's cluster, or the embedded runtime (null). */
export async function getRuntimeDriver(cluster: { name: string } | null): Promise<RuntimeDriver> {
  return cluster ? getClusterDriver(cluster.name) : getEmbeddedDriver();
}
