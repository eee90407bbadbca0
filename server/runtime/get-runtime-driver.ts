import "server-only";
import { AppError } from "../errors";
import type { RuntimeDriver } from "./runtime-driver";
import { getEmbeddedDriver } from "./embedded/embedded-driver";
import { getClusterDriver } from "./kubernetes/cluster-drivers";
import { clusterNameOf, EMBEDDED_TARGET } from "./runtime-target";

/** The driver for an app's or project's runtime target ("embedded" or "cluster:<name>"). */
export async function getRuntimeDriver(target: string): Promise<RuntimeDriver> {
  if (target === EMBEDDED_TARGET) return getEmbeddedDriver();
  const cluster = clusterNameOf(target);
  if (cluster) return getClusterDriver(cluster);
  throw new AppError("RUNTIME_UNAVAILABLE", `Unknown runtime target ${target}; choose "embedded" or a registered cluster.`);
}
