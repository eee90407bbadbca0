// A release that crashes at start, end to end in Debian's Chromium against the real platform: v1 is
// deployed and serves; then a commit whose app prints why it cannot start and exits 3 is deployed.
// While it rolls out, the page follows the new release's own logs (so the line is on screen while
// it happens); within the health deadline the release ends FAILED and the page says so with the
// exit code and that last log line; the "rolling out…" badge goes away; and the app's URL answers
// v1 with a 200 to every request throughout.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, createProjectAndApp, signUpInBrowser } from "./support/journey-steps";
import { createFixtureRepo, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { pollIngress } from "./support/ingress-poller";

test.describe.configure({ mode: "serial" });

/** The platform's health deadline for a rollout, short so the journey is too. */
const HEALTH_TIMEOUT_MS = 20_000;
/** What the crashing app prints before it exits: the reason a user needs to see. */
const CRASH_LINE = "cannot create /data: Read-only file system";
const CRASH_EXIT_CODE = 3;
/** What it prints first, to stdout. */
const STARTING_LINE = "slipway crash fixture v2 starting";

/** An app that fails at start the way a real one does when it cannot create its data directory. */
function crashingDockerfile(): string {
  return [
    `FROM ${TEST_BASE_IMAGE}`,
    `CMD ["sh", "-c", "echo '${STARTING_LINE}'; echo '${CRASH_LINE}' >&2; exit ${CRASH_EXIT_CODE}"]`,
    "",
  ].join("\n");
}

let platform: Platform;
let repo: FixtureRepo;
const slugs = { app: "web", project: "shop", team: "default" };

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  // Its own platform: its user signs up first (platform admin), and the deadline is short.
  platform = await startPlatform({ env: { SLIPWAY_HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS) } });
});

test.afterAll(async () => {
  await platform?.stop();
});

test("a release that crashes at start shows its exit code and last log line while the previous release keeps serving", async ({ page, context }) => {
  test.setTimeout(480_000);
  const appUrl = platform.appUrl(slugs);

  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });

  // The fixture repository is a path on this machine: the platform admin allows local repositories.
  await allowLocalSources(page);

  await createProjectAndApp(page, { project: "shop", app: "web", repositoryUrl: repo.fileUrl });

  // v1 goes live and serves.
  await page.getByTestId("deploy-button").click();
  const rows = page.getByTestId("build-history").getByTestId("build-row");
  await expect(rows.first()).toContainText("#1", { timeout: 30_000 });
  await expect(rows.first()).toContainText("SUCCEEDED", { timeout: 180_000 });
  await expect(page.getByTestId("live-release")).toContainText("v1", { timeout: 120_000 });
  const site = await context.newPage();
  await site.goto(appUrl);
  await expect(site.locator("#version")).toHaveText("version v1");

  // Whether the crash line was ever on screen while the logs followed the release being rolled
  // out: the rollout may last only seconds, so the page watches itself rather than being polled.
  await page.evaluate((line) => {
    const w = window as unknown as { seenWhileRollingOut: boolean };
    w.seenWhileRollingOut = false;
    const check = () => {
      const source = document.querySelector('[data-testid="log-source"][aria-pressed="true"]')?.textContent ?? "";
      const log = document.querySelector('[data-testid="runtime-log"]')?.textContent ?? "";
      if (source.includes("rolling out") && log.includes(line)) w.seenWhileRollingOut = true;
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, CRASH_LINE);

  // A client keeps requesting the app's URL from here on: every answer must be v1's 200.
  const host = new URL(appUrl).hostname;
  const poller = pollIngress(platform.ingressPort, host);
  const seen = poller.seen;

  try {
    // The crashing commit, deployed from the page.
    await repo.commitFiles({ Dockerfile: crashingDockerfile() }, "v2: needs /data");
    await page.getByTestId("deploy-button").click();
    await expect(rows.first()).toContainText("#2", { timeout: 30_000 });
    await expect(rows.first()).toContainText("SUCCEEDED", { timeout: 180_000 });
    const built = Date.now();

    // Within the deadline (and a margin for the page's polling) the release is FAILED, and the
    // page says why: the exit code and the line the app printed.
    const failure = page.getByTestId("release-failure");
    await expect(failure).toBeVisible({ timeout: HEALTH_TIMEOUT_MS + 20_000 });
    const failedAfter = Date.now() - built;
    await expect(failure).toContainText("v2 failed");
    await expect(failure).toContainText(new RegExp(`exit(ed with)? code ${CRASH_EXIT_CODE}\\b`));
    // On a failure, the daemon's own account of the rollout is what tells why.
    await expect(failure, `the failure card names the line; slipwayd said:\n${platform.logs("daemon", 40)}`).toContainText(CRASH_LINE);
    await expect(failure).toContainText("v1 keeps serving");
    // The lines as the container printed them, one per line (printed to stdout and stderr at the
    // same instant, their order is not the engine's to know); the reason above them is a sentence.
    const printed = (await failure.getByTestId("release-failure-log").innerText()).split("\n");
    expect([...printed].sort()).toEqual([CRASH_LINE, STARTING_LINE].sort());
    await expect(failure.getByTestId("release-failure-reason")).not.toContainText(CRASH_LINE);
    expect(failedAfter, "the failure showed within the health deadline and a margin").toBeLessThan(HEALTH_TIMEOUT_MS + 20_000);
    await expect(page.getByTestId("rolling-out")).toBeHidden();
    await expect(page.getByTestId("live-release")).toContainText("v1");
    const v2 = page.getByTestId("release-row").filter({ hasText: "v2" });
    await expect(v2).toContainText("failed");
    await expect(v2.getByTestId("release-reason")).toContainText(CRASH_LINE);
    await expect(page.getByTestId("release-row").filter({ hasText: "v1" })).toContainText("live");
    // The timeline says why in one whole sentence: the lines are the failure card's.
    const failedEvent = page.getByTestId("app-event").and(page.locator('[data-kind="deploy_failed"]'));
    // Its line is a denied write, so the reason also says whom it ran as and what to do.
    await expect(failedEvent).toContainText(
      new RegExp(`v2 failed; v1 keeps serving: The container exited with code ${CRASH_EXIT_CODE} after \\d+ restarts? .*the previous release keeps serving\\. It runs as user 10001 \\(Slipway never runs an app as root\\) on every runtime: .* or write under /tmp\\.$`),
    );
    await expect(failedEvent).not.toContainText("Last log lines");

    // During the rollout, the runtime logs followed v2's own containers and showed the line.
    expect(await page.evaluate(() => (window as unknown as { seenWhileRollingOut: boolean }).seenWhileRollingOut)).toBe(true);
    // Back on the live release's logs once the rollout ended.
    await expect(page.getByTestId("log-source")).toHaveText("v1 (live)");

    // Keep requesting a little past the failure: stopping v2's containers must not touch v1.
    await page.waitForTimeout(3_000);
  } finally {
    await poller.stop();
  }
  expect(seen.failed, `failed requests during the crashing rollout (of ${seen.ok + seen.failed.length})`).toEqual([]);
  expect(seen.ok).toBeGreaterThan(50);
  expect([...seen.versions]).toEqual(["v1"]);
  await site.reload();
  await expect(site.locator("#version")).toHaveText("version v1");
  await page.screenshot({ path: "test-results/e2e/crashed-release.png", fullPage: true });
});
