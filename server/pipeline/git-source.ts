// Cloning user repositories for a build, through the hardened git runner: the URL is checked and
// its host resolved once per clone, every git step is pinned to those addresses, refs that could
// be read as options are refused, and nothing of the operator's git set-up applies.
import { BuildFailure } from "./build-failure";
import { GitRunError, GitUrlRefused, parseGitUrl, resolveGitTarget, runGit, type GitTarget, type GitUrlPolicy } from "./git-runner";
import { redactLine } from "./log-sink";

export type GitSource = { kind: "remote"; url: string } | { kind: "local"; url: string };

/** What an app's stored URL names (no network look-up): remote http(s), or a local repository. */
export function classifyGitUrl(raw: string): GitSource {
  try {
    const parsed = parseGitUrl(raw, { allowLocalGitSources: true });
    return parsed.kind === "local" ? { kind: "local", url: parsed.url } : { kind: "remote", url: parsed.url.href };
  } catch (error) {
    if (!(error instanceof GitUrlRefused)) throw error;
    if (error.problem === "transport") {
      throw new BuildFailure(`Unsupported git URL "${redactLine(raw.trim())}": use an https:// URL or, if the platform allows local sources, an absolute path`);
    }
    throw new BuildFailure(`Invalid git URL "${redactLine(raw.trim())}": ${error.message}`);
  }
}

const REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._\/-]{1,200}$/;
// 40 hex digits (SHA-1 repositories) or 64 (SHA-256 ones): what a push payload names.
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** True for an exact commit SHA (what a push build's gitRef is), as opposed to a branch name. */
export function isCommitSha(ref: string): boolean {
  return SHA.test(ref);
}

export function validateGitRef(ref: string): string {
  if (!REF.test(ref) || ref.endsWith("/") || ref.endsWith(".lock")) throw new BuildFailure(`Invalid git ref "${ref}"`);
  return ref;
}

export interface CloneOptions {
  source: GitSource;
  /** The platform's settings at clone time: the host is checked again, here, for this clone. */
  policy: GitUrlPolicy;
  ref: string;
  dir: string;
  onLine: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

async function checkedTarget(opts: CloneOptions): Promise<GitTarget> {
  try {
    return await resolveGitTarget(opts.source.url, opts.policy);
  } catch (error) {
    if (!(error instanceof GitUrlRefused)) throw error;
    if (error.problem === "local-disabled") {
      throw new BuildFailure("Local git sources are disabled on this platform; use an https:// URL (a platform admin can allow local sources)");
    }
    if (error.problem === "internal" || error.problem === "unresolvable") throw new BuildFailure(`The git host is refused: ${error.message}`);
    throw new BuildFailure(`Invalid git URL "${redactLine(opts.source.url)}": ${error.message}`);
  }
}

async function git(target: GitTarget | null, args: string[], opts: CloneOptions, cwd?: string): Promise<string> {
  try {
    return await runGit({ target, args, cwd, onLine: opts.onLine, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 120_000 });
  } catch (error) {
    if (!(error instanceof GitRunError)) throw error;
    if (error.failure.kind === "aborted") throw new BuildFailure("clone canceled");
    if (error.failure.kind === "timeout") throw new BuildFailure("git timed out");
    const redirected = /redirect|returned error: 30[12378]/i.test(error.message) ? " (redirects are not followed: use the repository's final URL)" : "";
    throw new BuildFailure(`git ${args[0]} failed: ${redactLine(error.message)}${redirected}`);
  }
}

/** The checked-out commit: its sha, subject line and author name. */
export interface ClonedCommit {
  sha: string;
  subject: string;
  author: string;
}

/** Clones `ref` (branch, tag or commit sha) into dir and returns the checked-out commit. */
export async function cloneRepo(opts: CloneOptions): Promise<ClonedCommit> {
  const ref = validateGitRef(opts.ref);
  const target = await checkedTarget(opts);
  if (SHA.test(ref)) {
    await git(null, ["init", "--quiet", "--", opts.dir], opts);
    try {
      await git(target, ["fetch", "--depth", "1", "--", target.url, ref], opts, opts.dir);
    } catch (error) {
      // Servers that refuse fetching a bare sha: fetch the branches and find it there.
      opts.onLine(`fetching ${ref} alone failed (${error instanceof Error ? error.message : String(error)}); fetching all branches`);
      await git(target, ["fetch", "--", target.url, "+refs/heads/*:refs/remotes/origin/*"], opts, opts.dir);
      await git(null, ["update-ref", "FETCH_HEAD", ref], opts, opts.dir);
    }
    await git(null, ["checkout", "--quiet", "--detach", "FETCH_HEAD"], opts, opts.dir);
  } else {
    await git(target, ["clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--branch", ref, "--", target.url, opts.dir], opts);
  }
  // One git process for the sha (HEAD^{commit}: only a commit names one) and what a build whose
  // trigger did not say records of it (a manual deploy of a branch).
  const out = await git(null, ["log", "-1", "--format=%H%n%s%n%an", "HEAD^{commit}", "--"], opts, opts.dir);
  const [sha = "", subject = "", author = ""] = out.split("\n");
  if (!SHA.test(sha)) throw new BuildFailure(`git checked out no commit (${JSON.stringify(sha.slice(0, 80))})`);
  return { sha, subject: subject.slice(0, 500), author: author.slice(0, 200) };
}
