import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import type { DomainDto } from "./constants";
import { toDomainDto } from "./to-domain-dto";

export async function listDomains({ actor, appId }: { actor: Actor; appId: string }): Promise<DomainDto[]> {
  const app = await getAppOrThrow({ actor, appId });
  const rows = await getDb().domain.findMany({ where: { appId: app.id, teamId: actor.teamId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((d) => toDomainDto(d, app));
}
