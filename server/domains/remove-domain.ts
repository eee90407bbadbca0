import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { recordAppEvent } from "../apps/events/record-app-event";
import { eventActor } from "../apps/events/event-actor";
import { getAppOrThrow } from "../apps/get-app";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { getDomainOrThrow } from "./get-domain-or-throw";

/** Stops serving the hostname for this app; a verified one becomes free for anyone to prove again. */
export async function removeDomain({ actor, appId, domainId }: { actor: Actor; appId: string; domainId: string }): Promise<void> {
  const app = await getAppOrThrow({ actor, appId });
  const domain = await getDomainOrThrow({ actor, appId: app.id, domainId });
  const db = getDb();
  const by = await eventActor(db, actor);
  await db.$transaction(async (tx) => {
    // Removed by a concurrent request: the same answer as an unknown domain, and nothing recorded twice.
    const { count } = await tx.domain.deleteMany({ where: { id: domain.id, teamId: actor.teamId } });
    if (count === 0) throw notFound("Domain");
    await recordAppEvent(tx, { teamId: actor.teamId, appId: app.id, kind: "domain_removed", message: `Removed the domain ${domain.hostname}`, actor: by });
    await recordAudit(tx, { actor, action: "domain.remove", targetType: "domain", targetId: domain.id, data: { app: app.slug, hostname: domain.hostname, wasVerified: domain.verifiedAt !== null } });
  });
  await nudgeSlipwayd("domain removed");
}
