// Custom domains: the names and limits both the server and the app page use, and the DTO the
// API answers. Free of imports: client components read it, and the client bundle must not take
// in zod.

/** An app's custom domains at most (each one is a route and a certificate on the ingress). */
export const MAX_DOMAINS_PER_APP = 20;

/** The TXT proof lives at `_slipway-challenge.<hostname>`. */
export const TXT_CHALLENGE_LABEL = "_slipway-challenge";

/** The HTTP proof: the ingress answers GET <this><domain id> on the hostname with the token. */
export const HTTP_CHALLENGE_PATH = "/.well-known/slipway-challenge/";

export const DOMAIN_CHECK_METHODS = ["txt", "http"] as const;
export type DomainCheckMethod = (typeof DOMAIN_CHECK_METHODS)[number];

export type DomainStatus = "pending" | "verified";

export interface DomainDto {
  id: string;
  appId: string;
  /** lower case, without a trailing dot */
  hostname: string;
  status: DomainStatus;
  verifiedAt: string | null;
  lastCheckAt: string | null;
  /** what the last failed check found, and what to do next; null after a success or before any check */
  lastCheckError: string | null;
  createdAt: string;
  /** Proof by DNS: a TXT record with this name and value. */
  txtRecord: { name: string; value: string };
  /** Proof by HTTP: point the hostname at this Slipway; the ingress then answers `url` with the token. */
  httpChallenge: { url: string; body: string };
  /** The app's own hostname: what a CNAME record for the custom domain points at. */
  cnameTarget: string;
}
