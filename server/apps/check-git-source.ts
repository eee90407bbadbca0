import "server-only";
// Validates an app's repository before anything is saved: the URL's form, whether its host is
// allowed (see address-policy), and that git can actually list the branch — so a typo is caught
// at creation with a clear message rather than later as a failed build. The host is resolved
// once here and `git ls-remote` is pinned to the addresses that were checked, through the same
// hardened runner as a build's clone (server/pipeline/git-runner).
import { existsSync } from "node:fs";
import { AppError } from "../errors";
import { GitRunError, GitUrlRefused, resolveGitTarget, runGit, type GitTarget, type GitUrlPolicy } from "../pipeline/git-runner";

export type GitSourcePolicy = GitUrlPolicy;

export type GitSource = { kind: "remote"; url: string; target: GitTarget } | { kind: "local"; path: string; target: GitTarget };

const invalid = (message: string) => new AppError("VALIDATION", message, { fields: [{ path: "gitUrl", message }] });

export async function parseGitSource(raw: string, policy: GitSourcePolicy): Promise<GitSource> {
  let target: GitTarget;
  try {
    target = await resolveGitTarget(raw, policy);
  } catch (error) {
    if (error instanceof GitUrlRefused) throw invalid(error.message);
    throw error;
  }
  if (target.kind === "local") {
    const dir = target.path!;
    if (!existsSync(dir)) throw invalid(`No repository at ${dir}.`);
    return { kind: "local", path: dir, target };
  }
  return { kind: "remote", url: target.url, target };
}

/** `git ls-remote` the branch: pinned to the checked addresses, no redirects, bounded time. */
export async function assertBranchExists(source: GitSource, branch: string, timeoutMs = 20_000): Promise<void> {
  let stdout: string;
  try {
    stdout = await runGit({ target: source.target, args: ["ls-remote", "--heads", "--", source.target.url, `refs/heads/${branch}`], timeoutMs });
  } catch (error) {
    if (!(error instanceof GitRunError)) throw error;
    const redirected = /redirect|returned error: 30[12378]/i.test(error.message) ? " Redirects are not followed: use the repository's final URL." : "";
    throw invalid(`The repository cannot be read: ${error.message}.${redirected} Check the URL and that it is public.`);
  }
  if (!stdout.trim()) {
    throw new AppError("VALIDATION", `The repository has no branch named ${branch}.`, { fields: [{ path: "gitBranch", message: "no such branch" }] });
  }
}
