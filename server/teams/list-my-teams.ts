import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import type { TeamDto } from "./schemas";

export async function listMyTeams({ actor }: { actor: Actor }): Promise<TeamDto[]> {
  const memberships = await getDb().membership.findMany({ where: { userId: actor.userId }, include: { team: true }, orderBy: { createdAt: "asc" } });
  return memberships.map((m) => ({ id: m.team.id, slug: m.team.slug, name: m.team.name, role: m.role }));
}
