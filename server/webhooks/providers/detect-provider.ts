// One URL for every provider: which one sent a request is read from its headers. Forgejo also
// sends Gitea's headers and Gitea also sends GitHub's, so the more specific names are tried first.
import type { WebhookProvider } from "../constants";
import { bitbucketProvider } from "./bitbucket";
import { genericProvider } from "./generic";
import { githubProvider } from "./github";
import { gitlabProvider } from "./gitlab";
import { forgejoProvider, giteaProvider } from "./gitea";
import type { WebhookProviderAdapter } from "./types";

const byName: Record<WebhookProvider, WebhookProviderAdapter> = {
  github: githubProvider,
  gitlab: gitlabProvider,
  gitea: giteaProvider,
  forgejo: forgejoProvider,
  bitbucket: bitbucketProvider,
  generic: genericProvider,
};

const rules: [string[], WebhookProviderAdapter][] = [
  [["x-forgejo-event", "x-forgejo-signature"], forgejoProvider],
  [["x-gitea-event", "x-gitea-signature"], giteaProvider],
  [["x-gitlab-event", "x-gitlab-token"], gitlabProvider],
  [["x-github-event", "x-hub-signature-256"], githubProvider],
  [["x-event-key"], bitbucketProvider],
  [["x-slipway-signature", "x-slipway-delivery"], genericProvider],
];

export function detectProvider(headers: Headers): WebhookProviderAdapter | null {
  return rules.find(([names]) => names.some((n) => headers.has(n)))?.[1] ?? null;
}

/** The adapter a stored delivery was received with (redelivery); null for an unknown name. */
export function providerByName(name: string): WebhookProviderAdapter | null {
  return (byName as Record<string, WebhookProviderAdapter>)[name] ?? null;
}

/** The identifying headers of a request, to store with its delivery (never its signature). */
export function keptHeaders(provider: WebhookProviderAdapter, headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of provider.keptHeaders) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value.slice(0, 500);
  }
  return kept;
}
