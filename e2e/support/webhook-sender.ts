// What each git host sends to a webhook, built from the providers' documented push payloads and
// headers, signed the way each provider signs, and sent over HTTP to the running web server:
//
//   const hook = pushHook("github", { ref: "refs/heads/main", before, after: sha, message: "fix" });
//   const res = await sendHook(url, sign(hook, secret));        // { status, json }
//
// The body is kept as the exact string that is signed, so tests can tamper with either on purpose.
// Payload shapes (only the fields a receiver reads, plus enough around them to look real):
// - GitHub `push`: ref, before, after, created, deleted, forced, base_ref, compare, commits[],
//   head_commit {id, message, timestamp, author {name, email}}, repository, pusher, sender.
// - GitLab `Push Hook` / `Tag Push Hook`: object_kind, before, after, ref, checkout_sha,
//   user_name, project, commits[] {id, message, title, author}, total_commits_count.
// - Gitea / Forgejo `push`: ref, before, after, compare_url, commits[], head_commit, repository, pusher.
// - Bitbucket Cloud `repo:push`: push.changes[] {new {type, name, target {hash, message, author}}, old, created, closed}.
// - Slipway's generic hook: {ref, sha, message?, author?}.
import { createHmac, randomUUID } from "node:crypto";
import { readResponse, type ApiResponse } from "./http-api";

export const PROVIDERS = ["github", "gitlab", "gitea", "forgejo", "bitbucket", "generic"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const ZERO_SHA = "0".repeat(40);

export interface Hook {
  provider: Provider;
  /** The provider's event name (header value), e.g. "push", "Push Hook", "repo:push", "ping". */
  event: string;
  deliveryId: string;
  /** The exact bytes sent (and signed). */
  body: string;
  headers: Record<string, string>;
}

export interface PushInfo {
  /** refs/heads/<branch> or refs/tags/<tag> */
  ref: string;
  before?: string;
  /** The pushed commit; ZERO_SHA for a deletion. */
  after: string;
  message?: string;
  author?: { name: string; email: string };
}

const REPO = { name: "shop", owner: "ada", url: "https://git.example.test/ada/shop" };
const DEFAULT_AUTHOR = { name: "Ada Lovelace", email: "ada@example.test" };

function shortRef(ref: string): { kind: "branch" | "tag"; name: string } {
  if (ref.startsWith("refs/tags/")) return { kind: "tag", name: ref.slice("refs/tags/".length) };
  return { kind: "branch", name: ref.replace(/^refs\/heads\//, "") };
}

function githubLikeCommit(info: PushInfo, timestamp: string) {
  const author = info.author ?? DEFAULT_AUTHOR;
  return {
    id: info.after,
    tree_id: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    distinct: true,
    message: info.message ?? "a commit",
    timestamp,
    url: `${REPO.url}/commit/${info.after}`,
    author: { name: author.name, email: author.email, username: REPO.owner },
    committer: { name: author.name, email: author.email, username: REPO.owner },
    added: [],
    removed: [],
    modified: ["index.html"],
  };
}

/** The documented push body of `provider` for one ref update. */
export function pushBody(provider: Provider, info: PushInfo): Record<string, unknown> {
  const before = info.before ?? ZERO_SHA;
  const deleted = info.after === ZERO_SHA;
  const author = info.author ?? DEFAULT_AUTHOR;
  const message = info.message ?? "a commit";
  const timestamp = new Date().toISOString();
  const { kind, name } = shortRef(info.ref);
  switch (provider) {
    case "github": {
      const commit = deleted ? null : githubLikeCommit(info, timestamp);
      return {
        ref: info.ref,
        before,
        after: info.after,
        created: before === ZERO_SHA,
        deleted,
        forced: false,
        base_ref: null,
        compare: `${REPO.url}/compare/${before.slice(0, 12)}...${info.after.slice(0, 12)}`,
        commits: commit ? [commit] : [],
        head_commit: commit,
        repository: {
          id: 1296269,
          name: REPO.name,
          full_name: `${REPO.owner}/${REPO.name}`,
          private: false,
          owner: { name: REPO.owner, login: REPO.owner },
          html_url: REPO.url,
          clone_url: `${REPO.url}.git`,
          default_branch: "main",
          master_branch: "main",
        },
        pusher: { name: REPO.owner, email: author.email },
        sender: { login: REPO.owner, id: 1, type: "User" },
      };
    }
    case "gitlab":
      return {
        object_kind: kind === "tag" ? "tag_push" : "push",
        event_name: kind === "tag" ? "tag_push" : "push",
        before,
        after: info.after,
        ref: info.ref,
        ref_protected: false,
        checkout_sha: deleted ? null : info.after,
        user_id: 4,
        user_name: author.name,
        user_username: REPO.owner,
        user_email: author.email,
        project_id: 15,
        project: { id: 15, name: REPO.name, path_with_namespace: `${REPO.owner}/${REPO.name}`, web_url: REPO.url, default_branch: "main" },
        commits: deleted
          ? []
          : [{ id: info.after, message, title: message.split("\n")[0], timestamp, url: `${REPO.url}/-/commit/${info.after}`, author, added: [], modified: ["index.html"], removed: [] }],
        total_commits_count: deleted ? 0 : 1,
        repository: { name: REPO.name, url: `${REPO.url}.git`, homepage: REPO.url, git_http_url: `${REPO.url}.git` },
      };
    case "gitea":
    case "forgejo": {
      const commit = deleted ? null : githubLikeCommit(info, timestamp);
      return {
        ref: info.ref,
        before,
        after: info.after,
        compare_url: `${REPO.url}/compare/${before}...${info.after}`,
        commits: commit ? [commit] : [],
        total_commits: commit ? 1 : 0,
        head_commit: commit,
        repository: { id: 1, name: REPO.name, full_name: `${REPO.owner}/${REPO.name}`, html_url: REPO.url, clone_url: `${REPO.url}.git`, default_branch: "main" },
        pusher: { id: 1, login: REPO.owner, email: author.email, username: REPO.owner },
        sender: { id: 1, login: REPO.owner, username: REPO.owner },
      };
    }
    case "bitbucket": {
      const target = (hash: string) => ({
        type: "commit",
        hash,
        message: `${message}\n`,
        date: timestamp,
        author: { type: "author", raw: `${author.name} <${author.email}>` },
        links: { html: { href: `${REPO.url}/commits/${hash}` } },
      });
      return {
        actor: { type: "user", display_name: author.name, nickname: REPO.owner },
        repository: { type: "repository", name: REPO.name, full_name: `${REPO.owner}/${REPO.name}`, links: { html: { href: REPO.url } } },
        push: {
          changes: [
            {
              new: deleted ? null : { type: kind, name, target: target(info.after) },
              old: before === ZERO_SHA ? null : { type: kind, name, target: target(before) },
              created: before === ZERO_SHA,
              closed: deleted,
              forced: false,
              truncated: false,
              commits: deleted ? [] : [target(info.after)],
            },
          ],
        },
      };
    }
    case "generic":
      return { ref: info.ref, sha: info.after, message, author: `${author.name} <${author.email}>` };
  }
}

/** The provider's event header value for a push of `ref`. */
function pushEvent(provider: Provider, ref: string): string {
  const tag = ref.startsWith("refs/tags/");
  switch (provider) {
    case "github":
    case "gitea":
    case "forgejo":
      return "push";
    case "gitlab":
      return tag ? "Tag Push Hook" : "Push Hook";
    case "bitbucket":
      return "repo:push";
    case "generic":
      return "push";
  }
}

export function pushHook(provider: Provider, info: PushInfo, deliveryId: string = randomUUID()): Hook {
  return { provider, event: pushEvent(provider, info.ref), deliveryId, body: JSON.stringify(pushBody(provider, info)), headers: {} };
}

/** GitHub's ping, sent when a webhook is created (zen, hook_id, hook). */
export function githubPing(deliveryId: string = randomUUID()): Hook {
  const body = { zen: "Design for failure.", hook_id: 42, hook: { type: "Repository", id: 42, active: true, events: ["push"], config: { content_type: "json" } }, repository: { name: REPO.name } };
  return { provider: "github", event: "ping", deliveryId, body: JSON.stringify(body), headers: {} };
}

export function hmacHex(secret: string, body: string | Buffer, algorithm: "sha256" | "sha1" = "sha256"): string {
  return createHmac(algorithm, secret).update(body).digest("hex");
}

/**
 * The headers `provider` sends: event, delivery id and the signature over `signedBody` (default:
 * the hook's own body) with `secret`. `secret: null` leaves the signature out.
 */
export function sign(hook: Hook, secret: string | null, signedBody: string = hook.body): Hook {
  const h: Record<string, string> = { "content-type": "application/json", "user-agent": `slipway-e2e/${hook.provider}` };
  const sig = secret === null ? null : hmacHex(secret, signedBody);
  switch (hook.provider) {
    case "github":
      Object.assign(h, { "x-github-event": hook.event, "x-github-delivery": hook.deliveryId, "x-github-hook-id": "42" });
      if (sig) h["x-hub-signature-256"] = `sha256=${sig}`;
      break;
    case "gitlab":
      Object.assign(h, { "x-gitlab-event": hook.event, "x-gitlab-event-uuid": hook.deliveryId, "x-gitlab-instance": "https://gitlab.example.test" });
      if (secret !== null) h["x-gitlab-token"] = secret;
      break;
    case "gitea":
      Object.assign(h, { "x-gitea-event": hook.event, "x-gitea-delivery": hook.deliveryId });
      if (sig) h["x-gitea-signature"] = sig;
      break;
    case "forgejo":
      Object.assign(h, { "x-forgejo-event": hook.event, "x-forgejo-delivery": hook.deliveryId });
      if (sig) h["x-forgejo-signature"] = sig;
      break;
    case "bitbucket":
      Object.assign(h, { "x-event-key": hook.event, "x-request-uuid": hook.deliveryId, "x-hook-uuid": "{7b8c7f55-0000-4000-8000-000000000000}" });
      if (sig) h["x-hub-signature"] = `sha256=${sig}`;
      break;
    case "generic":
      h["x-slipway-delivery"] = hook.deliveryId;
      if (sig) h["x-slipway-signature"] = `sha256=${sig}`;
      break;
  }
  return { ...hook, headers: h };
}

export type HookResponse = ApiResponse;

/** POSTs the hook's exact body with its headers. */
export async function sendHook(url: string, hook: Hook, body: string = hook.body): Promise<HookResponse> {
  return readResponse(await fetch(url, { method: "POST", headers: hook.headers, body }));
}
