import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { MemberDto } from "./schemas";

export async function listMembers({ actor }: { actor: Actor }): Promise<MemberDto[]> {
  const members = await getDb().membership.findMany({ where: { teamId: actor.teamId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return members.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role }));
}
