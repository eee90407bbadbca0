import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";

/** A domain of this app in the actor's team; another team's (or another app's) is "not found". */
export async function getDomainOrThrow({ actor, appId, domainId }: { actor: Actor; appId: string; domainId: string }) {
  const domain = await getDb().domain.findFirst({ where: { id: domainId, appId, teamId: actor.teamId } });
  if (!domain) throw notFound("Domain");
  return domain;
}
