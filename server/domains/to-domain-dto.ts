import "server-only";
import { appHostname } from "../apps/app-url";
import { getEnv } from "../env";
import { HTTP_CHALLENGE_PATH, TXT_CHALLENGE_LABEL, type DomainDto } from "./constants";

export interface DomainRow {
  id: string;
  appId: string;
  hostname: string;
  verificationToken: string;
  verifiedAt: Date | null;
  lastCheckAt: Date | null;
  lastCheckError: string | null;
  createdAt: Date;
}

/** The app's slugs, for the hostname a CNAME points at. */
export interface DomainAppRow {
  slug: string;
  project: { slug: string };
  team: { slug: string };
}

export function toDomainDto(d: DomainRow, app: DomainAppRow): DomainDto {
  const port = getEnv().SLIPWAY_DOMAIN_HTTP_PORT;
  return {
    id: d.id,
    appId: d.appId,
    hostname: d.hostname,
    status: d.verifiedAt ? "verified" : "pending",
    verifiedAt: d.verifiedAt?.toISOString() ?? null,
    lastCheckAt: d.lastCheckAt?.toISOString() ?? null,
    lastCheckError: d.lastCheckError,
    createdAt: d.createdAt.toISOString(),
    txtRecord: { name: `${TXT_CHALLENGE_LABEL}.${d.hostname}`, value: d.verificationToken },
    httpChallenge: { url: `http://${d.hostname}${port === 80 ? "" : `:${port}`}${HTTP_CHALLENGE_PATH}${d.id}`, body: d.verificationToken },
    cnameTarget: appHostname({ appSlug: app.slug, projectSlug: app.project.slug, teamSlug: app.team.slug }),
  };
}
