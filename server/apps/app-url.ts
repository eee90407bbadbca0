// The one place an app's hostname is made: <app>.<project>.<team>.<domain>. It is injective
// because slugs are DNS-1123 labels (no dots), so each label position holds exactly one slug.
// Every runtime (the embedded ingress's route keys, Kubernetes Ingress hosts) and every URL shown
// to people goes through here.
import { getEnv } from "../env";
import { DNS1123_LABEL } from "../slugs";

export interface AppSlugs {
  appSlug: string;
  projectSlug: string;
  teamSlug: string;
}

/** "<app>.<project>.<team>": the hostname without its domain (the embedded ingress's route key). */
export function appHostLabels(slugs: AppSlugs): string {
  const labels = [slugs.appSlug, slugs.projectSlug, slugs.teamSlug].map((s) => s.toLowerCase());
  // A dot (or anything else) in a slug would let two apps share a hostname.
  for (const l of labels) if (!DNS1123_LABEL.test(l)) throw new Error(`${JSON.stringify(l)} is not a DNS-1123 label`);
  return labels.join(".");
}

/** The documented ingress scheme: <app>.<project>.<team>.<domain> (the embedded ingress's domain by default). */
export function appHostname(slugs: AppSlugs, domain: string = getEnv().SLIPWAY_INGRESS_DOMAIN): string {
  return `${appHostLabels(slugs)}.${domain.toLowerCase().replace(/\.$/, "")}`;
}

/** http://<hostname>[:port]/ on the embedded ingress. */
export function appUrl(slugs: AppSlugs): string {
  const env = getEnv();
  const port = env.SLIPWAY_INGRESS_PORT === 80 ? "" : `:${env.SLIPWAY_INGRESS_PORT}`;
  return `http://${appHostname(slugs)}${port}/`;
}
