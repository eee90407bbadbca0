// A git server on this machine, as small as one can be: a bare repository whose `post-receive`
// hook does what GitHub does after a push — for each updated ref it builds a GitHub-format `push`
// payload, signs the exact bytes with HMAC-SHA256 (X-Hub-Signature-256) and POSTs it with
// X-GitHub-Event and a fresh X-GitHub-Delivery to the webhook URL in its config file.
//
//   const server = await createGitServer(fixtureRepo.dir);   // bare copy of the fixture repo
//   server.configureWebhook({ url, secret });               // what the app page shows
//   const work = await server.clone();
//   const { sha, output } = await work.commitAndPush({ "index.html": "…" }, "new text");
//   // output holds the hook's "remote: slipway webhook: refs/heads/main → 202 …" lines
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Ada Lovelace",
  GIT_AUTHOR_EMAIL: "ada@example.test",
  GIT_COMMITTER_NAME: "Ada Lovelace",
  GIT_COMMITTER_EMAIL: "ada@example.test",
  GIT_CONFIG_NOSYSTEM: "1",
};

async function git(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr } = await run("git", ["-C", cwd, ...args], { env: GIT_ENV });
  return { stdout: stdout.trim(), stderr };
}

// The hook, CommonJS (it has no .mjs name), run by git with the bare repository as its cwd. It
// never fails the push (post-receive cannot anyway): it reports what the webhook answered.
const POST_RECEIVE = String.raw`
"use strict";
const { execFileSync } = require("node:child_process");
const { createHmac, randomUUID } = require("node:crypto");
const { appendFileSync, existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

const ZERO = "0".repeat(40);
const configFile = path.join(__dirname, "slipway-webhook.json");
const logFile = path.join(__dirname, "slipway-webhook.log");
const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();
const say = (line) => {
  process.stdout.write("slipway webhook: " + line + "\n");
  appendFileSync(logFile, line + "\n");
};

function commit(sha) {
  const [id, name, email, timestamp, ...message] = git("log", "-1", "--format=%H%x00%an%x00%ae%x00%aI%x00%B", sha).split("\0");
  const msg = message.join("\0").trim();
  return {
    id, tree_id: git("rev-parse", sha + "^{tree}"), distinct: true, message: msg, timestamp,
    url: "file://" + process.cwd() + "#" + id,
    author: { name, email, username: name }, committer: { name, email, username: name },
    added: [], removed: [], modified: [],
  };
}

async function main() {
  const input = readFileSync(0, "utf8");
  if (!existsSync(configFile)) return say("no webhook configured (" + configFile + ")");
  const { url, secret } = JSON.parse(readFileSync(configFile, "utf8"));
  const repoName = path.basename(process.cwd()).replace(/\.git$/, "");
  for (const line of input.split("\n").filter(Boolean)) {
    const [before, after, ref] = line.split(" ");
    const deleted = after === ZERO;
    const range = before === ZERO ? [after, "--max-count=20"] : [before + ".." + after];
    const shas = deleted ? [] : git("rev-list", "--reverse", ...range).split("\n").filter(Boolean);
    const commits = shas.map(commit);
    const head = deleted ? null : commit(after);
    const payload = {
      ref, before, after,
      created: before === ZERO, deleted, forced: false, base_ref: null,
      compare: "file://" + process.cwd() + "#" + before.slice(0, 12) + "..." + after.slice(0, 12),
      commits, head_commit: head,
      repository: {
        id: 1, name: repoName, full_name: "local/" + repoName, private: true,
        owner: { name: "local", login: "local" }, html_url: "file://" + process.cwd(),
        clone_url: process.cwd(), default_branch: "main", master_branch: "main",
      },
      pusher: { name: process.env.GIT_COMMITTER_NAME || "local", email: process.env.GIT_COMMITTER_EMAIL || "" },
      sender: { login: "local", id: 1, type: "User" },
    };
    const body = JSON.stringify(payload);
    const delivery = randomUUID();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/slipway-e2e",
          "x-github-event": "push",
          "x-github-delivery": delivery,
          "x-github-hook-id": "1",
          "x-hub-signature-256": "sha256=" + createHmac("sha256", secret).update(body).digest("hex"),
        },
        body,
        signal: AbortSignal.timeout(10000),
      });
      say(ref + " " + after + " delivery " + delivery + " -> " + res.status + " " + (await res.text()));
    } catch (e) {
      say(ref + " " + after + " delivery " + delivery + " failed: " + (e && e.message));
    }
  }
}

main().catch((e) => {
  say("hook crashed: " + (e && e.stack));
});
`;

export interface WorkingClone {
  dir: string;
  /** Writes the files, commits them with `message` and pushes the branch; `output` is git push's stderr. */
  commitAndPush(files: Record<string, string>, message: string, branch?: string): Promise<{ sha: string; output: string }>;
}

export interface GitServer {
  /** The bare repository: usable as App.gitUrl (an absolute path) when local sources are allowed. */
  bareDir: string;
  /** The URL and secret the hook signs and sends with (what the app page shows). */
  configureWebhook(config: { url: string; secret: string }): void;
  /** What the hook reported so far, one line per delivery. */
  hookLog(): string;
  clone(): Promise<WorkingClone>;
  remove(): void;
}

/** A bare repository holding `seedRepoDir`'s branches, with the webhook-sending post-receive hook. */
export async function createGitServer(seedRepoDir: string): Promise<GitServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), "slipway-git-server-"));
  const bareDir = path.join(root, "shop.git");
  await run("git", ["init", "--quiet", "--bare", "--initial-branch", "main", bareDir], { env: GIT_ENV });
  await git(seedRepoDir, ["push", "--quiet", bareDir, "--all"]);
  const hooks = path.join(bareDir, "hooks");
  mkdirSync(hooks, { recursive: true });
  const hook = path.join(hooks, "post-receive");
  // This node, by absolute path: git runs hooks with its own PATH.
  writeFileSync(hook, `#!${process.execPath}\n${POST_RECEIVE}`);
  chmodSync(hook, 0o755);
  const configFile = path.join(hooks, "slipway-webhook.json");
  const logFile = path.join(hooks, "slipway-webhook.log");
  let clones = 0;
  return {
    bareDir,
    configureWebhook(config) {
      writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    },
    hookLog: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    async clone() {
      const dir = path.join(root, `work-${++clones}`);
      await run("git", ["clone", "--quiet", bareDir, dir], { env: GIT_ENV });
      return {
        dir,
        async commitAndPush(files, message, branch = "main") {
          for (const [name, content] of Object.entries(files)) {
            mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            writeFileSync(path.join(dir, name), content);
          }
          await git(dir, ["add", "--all"]);
          await git(dir, ["commit", "--quiet", "--allow-empty", "-m", message]);
          const sha = (await git(dir, ["rev-parse", "HEAD"])).stdout;
          const pushed = await git(dir, ["push", "origin", `HEAD:refs/heads/${branch}`]);
          return { sha, output: pushed.stderr };
        },
      };
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
