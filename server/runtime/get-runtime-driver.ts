import "server-only";
import { AppError } from "../errors";
import type { RuntimeDriver } from "./runtime-driver";
import { getEmbeddedDriver } from "./embedded/embedded-driver";

/** The driver for an app's or project's runtime target ("embedded" or "cluster:<name>"). */
export function getRuntimeDriver(target: string): RuntimeDriver {
  if (target === "embedded") return getEmbeddedDriver();
  throw new AppError("RUNTIME_UNAVAILABLE", `The runtime target ${target} is not available yet; use the embedded runtime.`);
}
