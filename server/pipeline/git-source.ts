// Cloning user repositories with the real git, defensively: arguments after `--`, refs and URLs
// that could be read as options refused, no interactive prompts, only http(s) and (when the
// platform allows it) local repositories.
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { lookup } from "node:dns/promises";
import { isInternalAddress } from "../apps/address-policy";
import { BuildFailure } from "./build-failure";
import { redactLine } from "./log-sink";

export type GitSource = { kind: "remote"; url: string } | { kind: "local"; url: string };

export function classifyGitUrl(raw: string): GitSource {
  const url = raw.trim();
  if (!url || url.startsWith("-") || /\s/.test(url)) throw new BuildFailure(`Invalid git URL "${redactLine(url)}"`);
  if (/^https?:\/\//i.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new BuildFailure(`Invalid git URL "${redactLine(url)}"`);
    }
    return { kind: "remote", url };
  }
  if (/^file:\/\//i.test(url)) return { kind: "local", url };
  if (path.isAbsolute(url)) return { kind: "local", url: pathToFileURL(url).href };
  throw new BuildFailure(`Unsupported git URL "${redactLine(url)}": use an https:// URL or, if the platform allows local sources, an absolute path`);
}

/** Builds may not reach loopback, private or metadata addresses unless a platform admin allows it. */
export async function assertPublicGitHost(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw new BuildFailure(`Cannot resolve the git host ${host}; check the app's repository URL`);
  }
  if (addresses.some(isInternalAddress)) {
    throw new BuildFailure(`The git host ${host} resolves to a loopback, private or metadata address, which builds may not reach (a platform admin can allow private git hosts)`);
  }
}

const REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._\/-]{1,200}$/;
const SHA = /^[0-9a-f]{40}$/i;

export function validateGitRef(ref: string): string {
  if (!REF.test(ref) || ref.endsWith("/") || ref.endsWith(".lock")) throw new BuildFailure(`Invalid git ref "${ref}"`);
  return ref;
}

export interface CloneOptions {
  source: GitSource;
  ref: string;
  dir: string;
  onLine: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

function gitEnv(source: GitSource): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_CONFIG_NOSYSTEM: "1",
    // Whitelist transports: no ext::, ssh, git:// or submodule surprises.
    GIT_ALLOW_PROTOCOL: source.kind === "local" ? "file" : "http:https",
  };
}

function runGit(args: string[], opts: CloneOptions, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd, env: gitEnv(opts.source) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let lastErr = "";
    // git's useful line is its first "fatal:"/"error:", not the hint that follows it.
    let firstFatal = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    let errBuf = "";
    child.stderr.on("data", (b: Buffer) => {
      errBuf += b.toString("utf8");
      const parts = errBuf.split(/\r?\n|\r/);
      errBuf = parts.pop() ?? "";
      for (const p of parts) {
        if (!p.trim()) continue;
        lastErr = p;
        if (!firstFatal && /^(fatal|error):/.test(p)) firstFatal = p;
        opts.onLine(p);
      }
    });
    child.on("error", (e) => reject(new BuildFailure(`could not run git: ${e.message}`)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (errBuf.trim()) {
        lastErr = errBuf;
        if (!firstFatal && /^(fatal|error):/.test(errBuf)) firstFatal = errBuf;
        opts.onLine(errBuf);
      }
      if (code === 0) return resolve(stdout.trim());
      if (signal) return reject(new BuildFailure(opts.signal?.aborted ? "clone canceled" : "git timed out"));
      reject(new BuildFailure(`git ${args[0]} failed: ${redactLine((firstFatal || lastErr).trim()) || `exit code ${code}`}`));
    });
  });
}

/** Clones `ref` (branch, tag or commit sha) into dir and returns the checked-out commit sha. */
export async function cloneRepo(opts: CloneOptions): Promise<string> {
  const ref = validateGitRef(opts.ref);
  if (SHA.test(ref)) {
    await runGit(["init", "--quiet", "--", opts.dir], opts);
    try {
      await runGit(["fetch", "--depth", "1", "--", opts.source.url, ref], opts, opts.dir);
    } catch {
      // Servers that refuse fetching a bare sha: fetch the branches and find it there.
      await runGit(["fetch", "--", opts.source.url, "+refs/heads/*:refs/remotes/origin/*"], opts, opts.dir);
      await runGit(["update-ref", "FETCH_HEAD", ref], opts, opts.dir);
    }
    await runGit(["checkout", "--quiet", "--detach", "FETCH_HEAD"], opts, opts.dir);
  } else {
    await runGit(
      ["clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", ref, "--", opts.source.url, opts.dir],
      opts,
    );
  }
  return runGit(["rev-parse", "--verify", "HEAD^{commit}"], opts, opts.dir);
}
