import "server-only";
// Who an app event names: the person behind the request (a token acts for its owner), by the one
// userLabel() builds and cancel messages use. Read before the change's transaction: a name is not
// worth holding the quota lock for.
import type { Db, Tx } from "../../db";
import type { Actor } from "../../auth/actor";
import { userLabel } from "../../auth/user-label";

export async function eventActor(db: Db | Tx, actor: Actor): Promise<{ id: string; label: string }> {
  const user = await db.user.findUnique({ where: { id: actor.userId }, select: { name: true, email: true } });
  return { id: actor.userId, label: user ? userLabel(user) : actor.email };
}
