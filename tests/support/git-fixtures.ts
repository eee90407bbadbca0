// Fixture git repositories for build tests: real `git init` and commits. The app is busybox
// httpd serving an index.html that names its version, so a test can tell releases apart.
//
//   const repo = await createFixtureRepo({ version: "v1" });   // repo.url is a local path
//   await repo.commitVersion("v2");                             // new commit, same branch
//   await repo.commitBrokenDockerfile();                        // next build fails in a RUN step
//
// Local paths only build when PlatformSettings.allowLocalGitSources is true.
import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { TEST_BASE_IMAGE } from "./test-images";

const run = promisify(execFile);

/** The port the fixture app listens on inside its container (App.containerPort). */
export const FIXTURE_PORT = 8080;
/** Printed to stdout when the app starts: tests look for it in runtime logs. */
export const startupLine = (version: string) => `slipway fixture app ${version} starting`;
/** Printed by the broken Dockerfile's failing RUN step: tests look for it in build logs. */
export const BROKEN_STEP_MESSAGE = "slipway-fixture: this build step fails on purpose";

export function fixtureDockerfile(version: string): string {
  return [
    `FROM ${TEST_BASE_IMAGE}`,
    `RUN mkdir -p /www && echo "built ${version}" > /www/build.txt`,
    `COPY index.html /www/index.html`,
    `EXPOSE ${FIXTURE_PORT}`,
    `CMD ["sh", "-c", "echo '${startupLine(version)}'; exec httpd -f -vv -p ${FIXTURE_PORT} -h /www"]`,
    "",
  ].join("\n");
}

export function fixtureIndexHtml(version: string): string {
  return `<!doctype html><html><body><h1>Slipway fixture</h1><p id="version">version ${version}</p></body></html>\n`;
}

export function brokenDockerfile(): string {
  return [`FROM ${TEST_BASE_IMAGE}`, `RUN echo "${BROKEN_STEP_MESSAGE}" && exit 7`, ""].join("\n");
}

export interface FixtureRepo {
  /** working tree (and repository) path; usable as App.gitUrl */
  dir: string;
  /** file:// URL of the same repository */
  fileUrl: string;
  branch: string;
  /** Rewrites index.html (and Dockerfile) for `version` and commits; returns the commit sha. */
  commitVersion(version: string): Promise<string>;
  /** Commits a Dockerfile whose RUN step exits non-zero; returns the commit sha. */
  commitBrokenDockerfile(): Promise<string>;
  /** Writes arbitrary files and commits them; returns the commit sha. */
  commitFiles(files: Record<string, string>, message: string): Promise<string>;
  head(): Promise<string>;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Slipway Tests",
  GIT_AUTHOR_EMAIL: "tests@slipway.invalid",
  GIT_COMMITTER_NAME: "Slipway Tests",
  GIT_COMMITTER_EMAIL: "tests@slipway.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
};

async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", dir, ...args], { env: GIT_ENV });
  return stdout.trim();
}

export async function createFixtureRepo(opts: { dir?: string; version?: string; branch?: string } = {}): Promise<FixtureRepo> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), "slipway-fixture-repo-"));
  const branch = opts.branch ?? "main";
  mkdirSync(dir, { recursive: true });
  await git(dir, ["init", "--quiet", "--initial-branch", branch]);
  const commitFiles = async (files: Record<string, string>, message: string) => {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    await git(dir, ["add", "--all"]);
    await git(dir, ["commit", "--quiet", "--allow-empty", "-m", message]);
    return git(dir, ["rev-parse", "HEAD"]);
  };
  const repo: FixtureRepo = {
    dir,
    fileUrl: `file://${dir}`,
    branch,
    commitVersion: (version) =>
      commitFiles({ Dockerfile: fixtureDockerfile(version), "index.html": fixtureIndexHtml(version) }, `version ${version}`),
    commitBrokenDockerfile: () => commitFiles({ Dockerfile: brokenDockerfile() }, "broken Dockerfile"),
    commitFiles,
    head: () => git(dir, ["rev-parse", "HEAD"]),
  };
  await repo.commitVersion(opts.version ?? "v1");
  return repo;
}
