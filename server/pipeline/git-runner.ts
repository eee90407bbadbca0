// The one way Slipway runs git against a user's repository — the check at app creation
// (`git ls-remote`) and the clone of a build alike:
//  - the URL is parsed once (Node's WHATWG parser) and git gets the parser's canonical href, so
//    2130706433, 0x7f.1, 0177.0.0.1 or 127.1 are judged as the 127.0.0.1 they are;
//  - only http(s), and file:// when the platform allows local sources: no ext::, fd::, ssh or
//    anything read as an option (a leading '-'; positional arguments always follow `--`);
//  - the host is resolved once, every address checked, and curl is pinned to those addresses
//    (http.curloptResolve): git never resolves the name itself, so there is no rebinding window;
//  - redirects are not followed (a public URL cannot bounce git to an internal one);
//  - nothing of the operator's git set-up applies: an empty temporary HOME, no system or global
//    config, no credential helpers, askpass or prompts, no hooks, no inherited GIT_*, SSH_* or
//    proxy variables (a proxy would resolve the name again, on its side).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { HostRefused, resolveAndCheck } from "../net/resolve-and-check";

export interface GitUrlPolicy {
  allowLocalGitSources: boolean;
  allowPrivateGitHosts: boolean;
}

export type GitUrlProblem = "form" | "transport" | "credentials" | "local-disabled" | "unresolvable" | "internal";

/** A repository URL the platform will not use; `message` is written for the person who entered it. */
export class GitUrlRefused extends Error {
  constructor(
    readonly problem: GitUrlProblem,
    message: string,
  ) {
    super(message);
    this.name = "GitUrlRefused";
  }
}

/** What a URL names, before any network look-up. */
export type ParsedGitUrl = { kind: "remote"; url: URL } | { kind: "local"; path: string; url: string };

/** A checked target: git is given `url` and, for a named host, pinned to `addresses`. */
export interface GitTarget {
  kind: "remote" | "local";
  /** canonical URL handed to git (file:// for local repositories) */
  url: string;
  /** local repositories: the directory */
  path?: string;
  /** remote targets: every checked address of the host (the literal itself for an IP host) */
  addresses: string[];
  /** `host:port:addr[,addr]` for curl, when the host is a name */
  pin?: string;
}

const refuse = (problem: GitUrlProblem, message: string) => new GitUrlRefused(problem, message);

/** Form checks only: no DNS, no filesystem. */
export function parseGitUrl(raw: string, policy: Pick<GitUrlPolicy, "allowLocalGitSources">): ParsedGitUrl {
  const value = raw.trim();
  if (!value) throw refuse("form", "Enter the URL of a git repository.");
  if (value.startsWith("-")) throw refuse("form", "A repository URL cannot start with '-'.");
  if (value.startsWith("/") || /^file:/i.test(value)) {
    if (!policy.allowLocalGitSources) {
      throw refuse("local-disabled", "Local repositories are disabled on this platform. Use an http(s) URL, or ask a platform admin to allow local sources.");
    }
    let dir: string;
    try {
      dir = value.startsWith("/") ? path.resolve(value) : fileURLToPath(value);
    } catch {
      throw refuse("form", "A file:// URL must name an absolute path on this machine, for example file:///srv/git/app.git.");
    }
    return { kind: "local", path: dir, url: pathToFileURL(dir).href };
  }
  // "host:path" (scp-like ssh) and "transport::address" (ext::, fd::) are not URLs git should see.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme) throw refuse("form", "Enter an http(s) URL of a git repository, for example https://git.example.com/team/app.git.");
  if (scheme !== "http" && scheme !== "https") throw refuse("transport", `Only http(s) repository URLs are supported (got ${scheme}).`);
  // The URL parser silently drops tabs and newlines inside a URL; git would not. Refuse them.
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw refuse("form", "A repository URL cannot contain spaces or control characters.");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse("form", "Enter an http(s) URL of a git repository, for example https://git.example.com/team/app.git.");
  }
  if (url.username || url.password) {
    throw refuse("credentials", "Do not put credentials in the repository URL: they would be stored in plain text.");
  }
  if (!url.hostname) throw refuse("form", "The repository URL has no host.");
  // curl matches a pinned name literally: "example.com." would not match a pin for it.
  if (url.hostname.endsWith(".")) throw refuse("form", `Remove the trailing dot from the host ${url.hostname}.`);
  return { kind: "remote", url };
}

/** Parses, resolves once and checks every address: the target git may be pointed at. */
export async function resolveGitTarget(raw: string, policy: GitUrlPolicy): Promise<GitTarget> {
  const parsed = parseGitUrl(raw, policy);
  if (parsed.kind === "local") return { kind: "local", url: parsed.url, path: parsed.path, addresses: [] };
  const { url } = parsed;
  let addresses: string[];
  try {
    addresses = await resolveAndCheck({ host: url.hostname, allowPrivate: policy.allowPrivateGitHosts });
  } catch (error) {
    if (error instanceof HostRefused) throw refuse(error.reason, error.message);
    throw error;
  }
  const isLiteral = isIP(url.hostname.replace(/^\[|\]$/g, "")) !== 0;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const pin = isLiteral ? undefined : `${url.hostname}:${port}:${addresses.map((a) => (a.includes(":") ? `[${a}]` : a)).join(",")}`;
  return { kind: "remote", url: url.href, addresses, pin };
}

/** The environment git runs with: an allow-list, nothing inherited but PATH. */
export function gitEnvironment(home: string, transport: string | null): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    LANG: "C",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_SYSTEM: "/dev/null",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_PROTOCOL_FROM_USER: "0",
    // Checked by git for every transport it starts, submodules included.
    GIT_ALLOW_PROTOCOL: transport ?? "none",
  };
}

/** `-c` settings that hold whatever configuration git might still find. */
export function gitHardeningArgs(target: GitTarget | null): string[] {
  const transport = target ? new URL(target.url).protocol.replace(":", "") : null;
  const args = [
    "protocol.allow=never",
    ...(transport ? [`protocol.${transport}.allow=always`] : []),
    "http.followRedirects=false",
    "credential.helper=",
    "core.askPass=",
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "http.proxy=",
    "http.sslVerify=true",
    "http.emptyAuth=false",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
    ...(target?.pin ? [`http.curloptResolve=${target.pin}`] : []),
  ];
  return args.flatMap((a) => ["-c", a]);
}

export interface RunGitOptions {
  /** The repository git talks to; null for purely local steps (init, checkout, rev-parse). */
  target: GitTarget | null;
  args: string[];
  cwd?: string;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type GitRunFailure =
  | { kind: "exit"; code: number | null; firstFatal: string; lastLine: string }
  | { kind: "timeout" }
  | { kind: "aborted" }
  | { kind: "spawn"; message: string };

export class GitRunError extends Error {
  constructor(readonly failure: GitRunFailure) {
    super(
      failure.kind === "exit"
        ? (failure.firstFatal || failure.lastLine || `exit code ${failure.code}`).replace(/^(fatal|error):\s*/, "")
        : failure.kind === "spawn"
          ? `could not run git: ${failure.message}`
          : failure.kind === "timeout"
            ? "git timed out"
            : "git was canceled",
    );
    this.name = "GitRunError";
  }
}

let commandPrefix: string[] = [];

/**
 * Tests only: run git through a wrapper (e.g. `ip netns exec <ns>`), so a check that must contact
 * a "public" test address does so inside a network namespace the test made.
 */
export function setGitCommandPrefixForTests(prefix: string[]): void {
  commandPrefix = prefix;
}

/** Runs git hardened; resolves with its stdout, rejects with GitRunError. */
export function runGit(opts: RunGitOptions): Promise<string> {
  const transport = opts.target ? new URL(opts.target.url).protocol.replace(":", "") : null;
  const home = mkdtempSync(path.join(os.tmpdir(), "slipway-git-home-"));
  const argv = [...gitHardeningArgs(opts.target), ...opts.args];
  const [command, ...prefixArgs] = commandPrefix.length ? commandPrefix : ["git"];
  const fullArgs = commandPrefix.length ? [...prefixArgs, "git", ...argv] : argv;
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command!, fullArgs, { cwd: opts.cwd, env: gitEnvironment(home, transport) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let lastLine = "";
    // git's useful line is its first "fatal:"/"error:", not the hint that follows it.
    let firstFatal = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 120_000);
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const line = (p: string) => {
      if (!p.trim()) return;
      lastLine = p;
      if (!firstFatal && /^(fatal|error):/.test(p)) firstFatal = p;
      opts.onLine?.(p);
    };
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    let errBuf = "";
    child.stderr.on("data", (b: Buffer) => {
      errBuf += b.toString("utf8");
      const parts = errBuf.split(/\r?\n|\r/);
      errBuf = parts.pop() ?? "";
      parts.forEach(line);
    });
    const finish = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      rmSync(home, { recursive: true, force: true });
    };
    child.on("error", (e) => {
      finish();
      reject(new GitRunError({ kind: "spawn", message: e.message }));
    });
    child.on("close", (code, signal) => {
      finish();
      line(errBuf);
      if (code === 0) return resolve(stdout.trim());
      if (signal) return reject(new GitRunError(timedOut ? { kind: "timeout" } : opts.signal?.aborted ? { kind: "aborted" } : { kind: "exit", code, firstFatal, lastLine }));
      reject(new GitRunError({ kind: "exit", code, firstFatal: firstFatal.trim(), lastLine: lastLine.trim() }));
    });
  });
}
