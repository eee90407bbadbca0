import "server-only";
// Validates an app's repository before anything is saved: the URL's form, whether its host is
// allowed (see address-policy), and that git can actually list the branch — so a typo is caught
// at creation with a clear message rather than later as a failed build.
import { execFile } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../errors";
import { isInternalAddress } from "./address-policy";

export interface GitSourcePolicy {
  allowLocalGitSources: boolean;
  allowPrivateGitHosts: boolean;
}

export type GitSource = { kind: "remote"; url: string } | { kind: "local"; path: string };

const invalid = (message: string) => new AppError("VALIDATION", message, { fields: [{ path: "gitUrl", message }] });

export async function parseGitSource(raw: string, policy: GitSourcePolicy): Promise<GitSource> {
  const value = raw.trim();
  if (value.startsWith("-")) throw invalid("A repository URL cannot start with '-'.");
  if (value.startsWith("/") || value.startsWith("file://")) {
    if (!policy.allowLocalGitSources) {
      throw invalid("Local repositories are disabled on this platform. Use an http(s) URL, or ask a platform admin to allow local sources.");
    }
    const dir = value.startsWith("file://") ? fileURLToPath(value) : path.resolve(value);
    if (!existsSync(dir)) throw invalid(`No repository at ${dir}.`);
    return { kind: "local", path: dir };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("Enter an http(s) URL of a git repository, for example https://git.example.com/team/app.git.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(`Only http(s) repository URLs are supported (got ${url.protocol.replace(":", "")}).`);
  }
  if (url.username || url.password) {
    throw invalid("Do not put credentials in the repository URL: they would be stored in plain text.");
  }
  if (!policy.allowPrivateGitHosts) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    let addresses: string[];
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw invalid(`Cannot resolve the host ${host}. Check the URL.`);
    }
    if (addresses.some(isInternalAddress)) {
      throw invalid(`${host} resolves to a loopback, private or metadata address, which builds may not reach. A platform admin can allow private git hosts.`);
    }
  }
  return { kind: "remote", url: url.toString() };
}

/** `git ls-remote` the branch; no prompts, bounded time. */
export function assertBranchExists(source: GitSource, branch: string, timeoutMs = 20_000): Promise<void> {
  const target = source.kind === "local" ? source.path : source.url;
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["ls-remote", "--heads", "--", target, `refs/heads/${branch}`],
      { timeout: timeoutMs, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "/bin/true" } },
      (error, stdout, stderr) => {
        if (error) {
          const reason = (stderr || error.message).split("\n").find((l) => l.trim()) ?? "unknown error";
          reject(invalid(`The repository cannot be read: ${reason.replace(/^fatal:\s*/, "")}. Check the URL and that it is public.`));
          return;
        }
        if (!stdout.trim()) {
          reject(new AppError("VALIDATION", `The repository has no branch named ${branch}.`, { fields: [{ path: "gitBranch", message: "no such branch" }] }));
          return;
        }
        resolve();
      },
    );
  });
}
