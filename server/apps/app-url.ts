import { getEnv } from "../env";

/** The documented ingress scheme: http://<app>.<project>.<team>.<domain>:<port>/ */
export function appHostname(slugs: { appSlug: string; projectSlug: string; teamSlug: string }): string {
  return `${slugs.appSlug}.${slugs.projectSlug}.${slugs.teamSlug}.${getEnv().SLIPWAY_INGRESS_DOMAIN}`;
}

export function appUrl(slugs: { appSlug: string; projectSlug: string; teamSlug: string }): string {
  const env = getEnv();
  const port = env.SLIPWAY_INGRESS_PORT === 80 ? "" : `:${env.SLIPWAY_INGRESS_PORT}`;
  return `http://${appHostname(slugs)}${port}/`;
}
