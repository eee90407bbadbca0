// Webhook requests the way each provider sends them: the documented fixture bytes (exactly as in
// tests/fixtures/webhooks, never re-serialised) and the provider's headers, signed with a secret.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/webhooks");

export type FixtureProvider = "github" | "gitlab" | "gitea" | "forgejo" | "bitbucket" | "generic";

export function webhookFixture(name: string): Buffer {
  return readFileSync(path.join(dir, name));
}

/** The push fixture of each provider and the commit its payload names. */
export const PUSH_FIXTURES: Record<FixtureProvider, { file: string; sha: string; branch: string; message: string; author: string }> = {
  github: { file: "github-push.json", sha: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", branch: "main", message: "Update README.md", author: "Codertocat" },
  gitlab: { file: "gitlab-push.json", sha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", branch: "master", message: "fixed readme", author: "GitLab dev user" },
  gitea: { file: "gitea-push.json", sha: "bffeb74224043ba2feb48d137756c8a9331c449a", branch: "develop", message: "Webhooks Yay!", author: "Gitea" },
  forgejo: { file: "forgejo-push.json", sha: "bffeb74224043ba2feb48d137756c8a9331c449a", branch: "develop", message: "Webhooks Yay!", author: "Forgejo" },
  bitbucket: { file: "bitbucket-push.json", sha: "709d658dc5b6d6afcd46049c2f332ee3f515a67d", branch: "main", message: "new commit message", author: "Emma" },
  generic: { file: "generic-push.json", sha: "3f786850e387550fdab836ed7e6dc881de23001b", branch: "main", message: "Release the checkout page", author: "Ada Lovelace" },
};

const hmac = (secret: string, body: Buffer) => createHmac("sha256", secret).update(body).digest("hex");

export interface SignOptions {
  deliveryId?: string;
  /** The provider's event name (default: its push event). */
  event?: string;
}

/** The headers `provider` sends with `body`, signed with `secret` (GitLab: the secret itself). */
export function signedHeaders(provider: FixtureProvider, body: Buffer, secret: string, options: SignOptions = {}): Record<string, string> {
  const id = options.deliveryId ?? randomUUID();
  const json = { "content-type": "application/json" };
  switch (provider) {
    case "github":
      return { ...json, "user-agent": "GitHub-Hookshot/044aadd", "x-github-event": options.event ?? "push", "x-github-delivery": id, "x-github-hook-id": "292430182", "x-hub-signature-256": `sha256=${hmac(secret, body)}` };
    case "gitlab":
      return { ...json, "user-agent": "GitLab/17.6.0", "x-gitlab-event": options.event ?? "Push Hook", "x-gitlab-event-uuid": id, "x-gitlab-token": secret };
    case "gitea":
      // Gitea also sends GitHub's and Gogs's names: detection must still say Gitea.
      return { ...json, "x-gitea-event": options.event ?? "push", "x-gitea-delivery": id, "x-gitea-signature": hmac(secret, body), "x-github-event": options.event ?? "push", "x-github-delivery": id, "x-gogs-event": options.event ?? "push" };
    case "forgejo":
      return {
        ...json,
        "x-forgejo-event": options.event ?? "push",
        "x-forgejo-delivery": id,
        "x-forgejo-signature": hmac(secret, body),
        "x-gitea-event": options.event ?? "push",
        "x-gitea-delivery": id,
        "x-gitea-signature": hmac(secret, body),
        "x-github-event": options.event ?? "push",
      };
    case "bitbucket":
      return { ...json, "user-agent": "Bitbucket-Webhooks/2.0", "x-event-key": options.event ?? "repo:push", "x-request-uuid": id, "x-hub-signature": `sha256=${hmac(secret, body)}` };
    case "generic":
      return { ...json, "x-slipway-delivery": id, "x-slipway-signature": `sha256=${hmac(secret, body)}` };
  }
}

/** The generic provider's body for a commit. */
export function genericBody(sha: string, options: { ref?: string; message?: string; author?: string } = {}): Buffer {
  return Buffer.from(JSON.stringify({ ref: options.ref ?? "refs/heads/main", sha, message: options.message ?? `commit ${sha.slice(0, 7)}`, author: options.author ?? "Ada" }));
}
