import "server-only";
// "Open" for an app on a cluster: a link through the API server's service proxy, for clusters
// without an ingress controller (and for a look before DNS points at one).
import { getDb } from "../../db";
import { AppError } from "../../errors";
import { recordAudit } from "../../audit/record-audit";
import type { Actor } from "../../auth/actor";
import { getAppOrThrow } from "../get-app";
import { appUrl } from "../app-url";
import { OPEN_TICKET_TTL_MS, signOpenTicket } from "./open-ticket";
import { openPathPrefix } from "./open-path";

export interface OpenAppLink {
  /** Path on the dashboard's own origin: /open/<ticket>/ */
  url: string;
  expiresAt: string;
}

export async function openAppLink({ actor, appId }: { actor: Actor; appId: string }): Promise<OpenAppLink> {
  const app = await getAppOrThrow({ actor, appId });
  if (!app.project.cluster) {
    const slugs = { appSlug: app.slug, projectSlug: app.project.slug, teamSlug: app.team.slug };
    throw new AppError("CONFLICT", `${app.slug} runs on the embedded runtime, whose ingress serves it at ${appUrl(slugs)}: open that instead.`);
  }
  const expiresAt = new Date(Date.now() + OPEN_TICKET_TTL_MS);
  const ticket = signOpenTicket({ appId: app.id, userId: actor.userId, expiresAt });
  // Who opened what, and until when: the link is a credential.
  await recordAudit(getDb(), { actor, action: "app.open", targetType: "app", targetId: app.id, data: { slug: app.slug, expiresAt: expiresAt.toISOString() } });
  return { url: `${openPathPrefix(ticket)}/`, expiresAt: expiresAt.toISOString() };
}
