import "server-only";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { clusterNameOf, EMBEDDED_TARGET } from "../runtime/runtime-target";

/** A project may target "embedded" or a registered cluster; anything else is a 422 naming the choices. */
export async function assertRuntimeTarget(db: Db | Tx, runtimeTarget: string): Promise<void> {
  const name = clusterNameOf(runtimeTarget);
  if (name === null) return;
  if (await db.cluster.findUnique({ where: { name }, select: { id: true } })) return;
  const registered = (await db.cluster.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((c) => `cluster:${c.name}`);
  const choices = [EMBEDDED_TARGET, ...registered].join(", ");
  const message = `No cluster named ${name} is registered. Choose one of: ${choices}.`;
  throw new AppError("VALIDATION", message, { fields: [{ path: "runtimeTarget", message }] });
}
