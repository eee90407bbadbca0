import "server-only";
// Checks that the team controls a pending domain's hostname: a TXT record
// _slipway-challenge.<hostname> holding the token, or (HTTP) the hostname pointing at this Slipway,
// whose ingress answers the challenge path with the token. Without a method, TXT is tried first.
// A failed check is recorded on the domain (lastCheckAt, lastCheckError: what was found and what
// to do next) and answered 422; a success sets verifiedAt and verifiedHostname in one update, and
// the unique verifiedHostname makes the first team to prove control the only owner (409 for later
// ones).
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { recordAppEvent } from "../apps/events/record-app-event";
import { eventActor } from "../apps/events/event-actor";
import { getAppOrThrow } from "../apps/get-app";
import { getPlatformSettings } from "../settings/get-platform-settings";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { constantTimeEqual } from "../webhooks/providers/verify";
import { TXT_CHALLENGE_LABEL, type DomainCheckMethod, type DomainDto } from "./constants";
import { DnsLookupFailed, lookupTxt } from "./dns-resolver";
import { checkHttpProof } from "./http-proof";
import { getDomainOrThrow } from "./get-domain-or-throw";
import { verifyDomainInput, type VerifyDomainInput } from "./schemas";
import { toDomainDto, type DomainRow } from "./to-domain-dto";

const shorten = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** null when the TXT record holds the token; else what was found and what to do next. */
async function checkTxt(domain: DomainRow): Promise<string | null> {
  const name = `${TXT_CHALLENGE_LABEL}.${domain.hostname}`;
  let records: string[];
  try {
    records = await lookupTxt(name);
  } catch (error) {
    if (!(error instanceof DnsLookupFailed)) throw error;
    return `The DNS lookup of the TXT record ${name} failed (${error.code}). Check that the domain's DNS servers answer, then check again.`;
  }
  if (records.some((r) => constantTimeEqual(r.trim(), domain.verificationToken))) return null;
  const found = records.length ? `${records.slice(0, 5).map(shorten).join(", ")}${records.length > 5 ? `, and ${records.length - 5} more` : ""}` : "none";
  return `No TXT record ${name} with the token was found (found: ${found}). Add it and check again; DNS changes can take minutes.`;
}

/** Who already owns the hostname, as the actor may be told: another team stays unnamed. */
async function takenMessage(actor: Actor, hostname: string): Promise<string | null> {
  const owner = await getDb().domain.findUnique({ where: { verifiedHostname: hostname }, select: { teamId: true, app: { select: { slug: true } } } });
  if (!owner) return null;
  if (owner.teamId === actor.teamId) return `${hostname} is already verified for the app ${owner.app.slug} in your team; remove it there first.`;
  return `${hostname} is already in use on this Slipway: another team proved control of it first.`;
}

async function checkHttp(actor: Actor, domain: DomainRow): Promise<string | null> {
  // The ingress answers the challenge of every pending claim on a hostname, so while another team
  // claims it too, an answer from this Slipway shows only that the name points here, not which
  // team controls it.
  const rivals = await getDb().domain.count({ where: { hostname: domain.hostname, teamId: { not: actor.teamId }, verifiedAt: null } });
  if (rivals > 0) {
    return `Another team has also added ${domain.hostname}, so an HTTP answer from this Slipway cannot show which of you controls it; prove it with the TXT record instead.`;
  }
  const settings = await getPlatformSettings();
  return checkHttpProof({ hostname: domain.hostname, domainId: domain.id, token: domain.verificationToken, allowPrivate: settings.allowPrivateGitHosts });
}

export async function verifyDomain({ actor, appId, domainId, input }: { actor: Actor; appId: string; domainId: string; input: VerifyDomainInput }): Promise<DomainDto> {
  const { method } = verifyDomainInput.parse(input);
  const app = await getAppOrThrow({ actor, appId });
  const domain = await getDomainOrThrow({ actor, appId: app.id, domainId });
  if (domain.verifiedAt) return toDomainDto(domain, app);
  const db = getDb();
  const recordFailure = async (message: string) => {
    await db.domain.updateMany({ where: { id: domain.id, verifiedAt: null }, data: { lastCheckAt: new Date(), lastCheckError: message } });
  };
  const taken = await takenMessage(actor, domain.hostname);
  if (taken) {
    await recordFailure(taken);
    throw new AppError("CONFLICT", taken);
  }

  const methods: DomainCheckMethod[] = method ? [method] : ["txt", "http"];
  const problems: string[] = [];
  let provedBy: DomainCheckMethod | undefined;
  for (const m of methods) {
    const problem = m === "txt" ? await checkTxt(domain) : await checkHttp(actor, domain);
    if (problem === null) {
      provedBy = m;
      break;
    }
    problems.push(methods.length > 1 ? `${m.toUpperCase()}: ${problem}` : problem);
  }
  if (!provedBy) {
    const message = problems.join(" ");
    await recordFailure(message);
    throw new AppError("VALIDATION", message);
  }

  const by = await eventActor(db, actor);
  const how = provedBy === "txt" ? "its TXT record" : "an HTTP answer";
  const verified = await db
    .$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.domain.updateMany({
        where: { id: domain.id, teamId: actor.teamId, verifiedAt: null },
        data: { verifiedAt: now, verifiedHostname: domain.hostname, lastCheckAt: now, lastCheckError: null },
      });
      const row = await tx.domain.findFirst({ where: { id: domain.id, teamId: actor.teamId } });
      if (!row) throw new AppError("NOT_FOUND", "Domain not found");
      // count 0: verified by a concurrent check of this domain, which recorded it.
      if (count === 1) {
        await recordAppEvent(tx, { teamId: actor.teamId, appId: app.id, kind: "domain_verified", message: `Verified the domain ${domain.hostname} by ${how}`, actor: by });
        await recordAudit(tx, { actor, action: "domain.verify", targetType: "domain", targetId: domain.id, data: { app: app.slug, hostname: domain.hostname, method: provedBy } });
      }
      return row;
    })
    .catch(async (e: unknown) => {
      if ((e as { code?: string }).code !== "P2002") throw e;
      const message = (await takenMessage(actor, domain.hostname)) ?? `${domain.hostname} was verified by someone else at the same moment; check again.`;
      await recordFailure(message);
      throw new AppError("CONFLICT", message);
    });
  // The ingress routes the hostname (with TLS) from now on.
  await nudgeSlipwayd("domain verified");
  return toDomainDto(verified, app);
}
