// Webhook names and limits the deploy-on-push card and the deliveries page share with the server.
// Free of imports: client components read them, and the client bundle must not take in zod (it
// probes `new Function` at load, which the dashboard's CSP reports).

/** The providers one webhook URL accepts (detected from the request's headers). */
export const WEBHOOK_PROVIDERS = ["github", "gitlab", "gitea", "forgejo", "bitbucket", "generic"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export const WEBHOOK_PROVIDER_LABELS: Record<WebhookProvider, string> = {
  github: "GitHub",
  gitlab: "GitLab",
  gitea: "Gitea",
  forgejo: "Forgejo",
  bitbucket: "Bitbucket Cloud",
  generic: "Generic",
};

/** A provider name as people read it; an unknown one (a row from a newer version) as it is. */
export function webhookProviderLabel(provider: string): string {
  return (WEBHOOK_PROVIDER_LABELS as Record<string, string>)[provider] ?? provider;
}

/** What became of a delivery: queued a build, joined a queued one, ignored (with why) or refused (quota). */
export const DELIVERY_OUTCOMES = ["queued", "coalesced", "ignored", "refused"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One line per delivery, as the deliveries page shows it: "build #4 queued", "ignored: tag push". */
export function deliveryResultText(d: { outcome: string; reason: string; buildNumber: number | null }): string {
  switch (d.outcome) {
    case "queued":
      return d.buildNumber !== null ? `build #${d.buildNumber} queued` : "build queued";
    case "coalesced":
      return d.buildNumber !== null ? `coalesced into #${d.buildNumber}` : "coalesced into a queued build";
    case "ignored":
      return d.reason ? `ignored: ${d.reason}` : "ignored";
    case "refused":
      return d.reason ? `refused: ${d.reason}` : "refused";
    default:
      return d.reason ? `${d.outcome}: ${d.reason}` : d.outcome;
  }
}

/** A branch filter (an exact name or a glob) is at most this long; git's own names rarely pass 100. */
export const BRANCH_FILTER_MAX = 200;

/** Deliveries per page: the default, and the most one request may ask for. */
export const DELIVERIES_PAGE_DEFAULT = 50;
export const DELIVERIES_PAGE_MAX = 100;

/** The header and body the generic provider expects (documented on the card and in the README). */
export const GENERIC_SIGNATURE_HEADER = "X-Slipway-Signature";
export const GENERIC_DELIVERY_HEADER = "X-Slipway-Delivery";
