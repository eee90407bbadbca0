import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";

export async function listMembers({ actor }: { actor: Actor }) {
  const members = await getDb().membership.findMany({ where: { teamId: actor.teamId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role }));
}
