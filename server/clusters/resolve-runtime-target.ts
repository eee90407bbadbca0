import "server-only";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { clusterNameOf, clusterTarget, EMBEDDED_TARGET } from "../runtime/runtime-target";

/**
 * The cluster a runtime target names: its id, or null for "embedded". A cluster that is not
 * registered is a 422 naming the choices.
 */
export async function resolveRuntimeTarget(db: Db | Tx, runtimeTarget: string): Promise<string | null> {
  const name = clusterNameOf(runtimeTarget);
  if (name === null) return null;
  const cluster = await db.cluster.findUnique({ where: { name }, select: { id: true } });
  if (cluster) return cluster.id;
  const registered = (await db.cluster.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((c) => clusterTarget(c.name));
  const choices = [EMBEDDED_TARGET, ...registered].join(", ");
  const message = `No cluster named ${name} is registered. Choose one of: ${choices}.`;
  throw new AppError("VALIDATION", message, { fields: [{ path: "runtimeTarget", message }] });
}
