import "server-only";
// Adds a custom domain to an app, pending until its owner proves control of it (verify-domain).
// A hostname pending in another team may be added here too: whoever proves control first owns it
// (Domain.verifiedHostname is unique). One that another team has verified is refused without
// saying which team has it.
import { randomBytes } from "node:crypto";
import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { recordAppEvent } from "../apps/events/record-app-event";
import { eventActor } from "../apps/events/event-actor";
import { getAppOrThrow } from "../apps/get-app";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { MAX_DOMAINS_PER_APP, type DomainDto } from "./constants";
import { addDomainInput, type AddDomainInput } from "./schemas";
import { toDomainDto } from "./to-domain-dto";

const invalid = (message: string) => new AppError("VALIDATION", message, { fields: [{ path: "hostname", message }] });

/** The platform's own names (apps' hostnames live under them) are not anyone's custom domain. */
async function assertNotPlatformHostname(hostname: string): Promise<void> {
  const clusters = await getDb().cluster.findMany({ where: { ingressDomain: { not: "" } }, select: { ingressDomain: true } });
  const platform = [getEnv().SLIPWAY_INGRESS_DOMAIN, ...clusters.map((c) => c.ingressDomain)].map((d) => d.toLowerCase().replace(/\.$/, "")).filter(Boolean);
  const under = platform.find((d) => hostname === d || hostname.endsWith(`.${d}`));
  if (under !== undefined) {
    throw invalid(`${hostname} is ${hostname === under ? "" : "under "}this Slipway's own domain ${under}, where apps already have their hostnames; add a domain you own instead.`);
  }
}

export async function addDomain({ actor, appId, input }: { actor: Actor; appId: string; input: AddDomainInput }): Promise<DomainDto> {
  const { hostname } = addDomainInput.parse(input);
  const app = await getAppOrThrow({ actor, appId });
  const cluster = app.project.cluster?.name;
  if (cluster) {
    // Only the embedded ingress routes custom domains today: a domain on a cluster app would be
    // verified and then never served.
    throw invalid(`${app.slug} runs on the Kubernetes cluster ${cluster}, whose ingress does not serve custom domains yet; custom domains work for apps on the embedded runtime.`);
  }
  await assertNotPlatformHostname(hostname);
  const db = getDb();
  const owner = await db.domain.findUnique({ where: { verifiedHostname: hostname }, select: { teamId: true, appId: true, app: { select: { slug: true } } } });
  if (owner && owner.teamId !== actor.teamId) {
    throw new AppError("CONFLICT", `${hostname} is already in use on this Slipway: another team has proved control of it.`);
  }
  if (owner && owner.appId !== app.id) {
    throw new AppError("CONFLICT", `${hostname} is already verified for the app ${owner.app.slug} in your team; remove it there first.`);
  }
  const duplicate = `${hostname} is already a domain of this app.`;
  if (await db.domain.findUnique({ where: { appId_hostname: { appId: app.id, hostname } }, select: { id: true } })) throw new AppError("CONFLICT", duplicate);
  const by = await eventActor(db, actor);
  const domain = await db
    .$transaction(async (tx) => {
      const count = await tx.domain.count({ where: { appId: app.id } });
      if (count >= MAX_DOMAINS_PER_APP) throw invalid(`An app has at most ${MAX_DOMAINS_PER_APP} custom domains; remove one first.`);
      const created = await tx.domain.create({
        data: { teamId: actor.teamId, appId: app.id, hostname, verificationToken: randomBytes(32).toString("base64url") },
      });
      await recordAppEvent(tx, { teamId: actor.teamId, appId: app.id, kind: "domain_added", message: `Added the domain ${hostname} (not verified yet)`, actor: by });
      await recordAudit(tx, { actor, action: "domain.add", targetType: "domain", targetId: created.id, data: { app: app.slug, hostname } });
      return created;
    })
    .catch((e: unknown) => {
      if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", duplicate);
      throw e;
    });
  // The ingress starts answering the HTTP proof for it.
  await nudgeSlipwayd("domain added");
  return toDomainDto(domain, app);
}
