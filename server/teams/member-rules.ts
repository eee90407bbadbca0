import "server-only";
// The rules every change to someone's membership obeys: nobody acts on a member ranked above
// them, nobody grants a role above their own, and a team always keeps an owner.
import type { Tx } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { roleRank } from "../auth/permissions";

/**
 * The target's membership in the actor's team (another team's member is 404), read after locking
 * the team's owner rows: two owners demoting each other at once must not leave the team without
 * one, so concurrent membership changes of a team queue behind this first write (a row lock on
 * PostgreSQL, the write lock on SQLite) and then count owners afresh.
 */
export async function lockMembership(tx: Tx, actor: Actor, userId: string) {
  await tx.membership.updateMany({ where: { teamId: actor.teamId, role: "OWNER" }, data: { role: "OWNER" } });
  const membership = await tx.membership.findUnique({ where: { teamId_userId: { teamId: actor.teamId, userId } }, include: { user: true } });
  if (!membership) throw notFound("Member");
  return membership;
}

export function assertNotRankedAbove(actor: Actor, target: { role: Parameters<typeof roleRank>[0]; user: { email: string } }): void {
  if (roleRank(target.role) > roleRank(actor.role)) {
    throw new AppError("FORBIDDEN", `${target.user.email} is ${target.role.toLowerCase()}, above your role (${actor.role.toLowerCase()}); only someone of that rank may change their membership.`);
  }
}

export async function assertKeepsAnOwner(tx: Tx, teamId: string, leaving: { role: string }, message: string): Promise<void> {
  if (leaving.role !== "OWNER") return;
  const owners = await tx.membership.count({ where: { teamId, role: "OWNER" } });
  if (owners <= 1) throw new AppError("CONFLICT", message);
}
