// The deploy journey's core, one definition for every runtime target: deploy from the browser with
// live build steps and log → the release goes live → the person opens the app and sees it → the
// runtime logs stream → a new commit is deployed while a client keeps requesting the app, and no
// request fails. What differs per target (how the app is reached, which build steps it has, how
// long an old release takes to leave) comes in a `JourneyTarget`: e2e/deploy-journey.spec.ts runs
// it on the embedded runtime, e2e/cluster-deploy-journey.spec.ts on the test cluster's real node.
import { expect, type BrowserContext, type Page } from "@playwright/test";
import { startupLine, type FixtureRepo } from "../../tests/support/git-fixtures";
import type { AppPoller } from "./ingress-poller";

export interface JourneyTarget {
  /** The build steps the build panel lists, in order. */
  buildSteps: readonly string[];
  /** What the person does on the app page to reach the live app; resolves to the tab showing it. */
  openApp(page: Page, context: BrowserContext): Promise<Page>;
  /** A client requesting the app (the way `openApp` reached it) until stopped. */
  pollApp(): AppPoller;
  /** Waits while the previous release drains and is removed (the poller keeps requesting). */
  afterRollout(page: Page): Promise<void>;
}

/** Clicks Deploy and waits for build `build` to succeed and release `version` to go live. */
export async function deployInBrowser(page: Page, o: { build: number; version: string; steps?: readonly string[] }): Promise<void> {
  await page.getByTestId("deploy-button").click();
  await expect(page.getByTestId("build-panel")).toContainText(`Build #${o.build}`);
  const steps = page.getByTestId("build-steps");
  await expect(steps).toContainText("clone", { timeout: 60_000 });
  await expect(page.getByTestId("build-log")).toContainText(`built ${o.version}`, { timeout: 180_000 });
  await expect(page.getByTestId("build-status")).toHaveText("SUCCEEDED", { timeout: 180_000 });
  if (o.steps) {
    await expect(steps.locator("li")).toHaveCount(o.steps.length);
    await expect(steps).toHaveText(new RegExp(o.steps.map((name, i) => `${i + 1}\\.\\s*${name}`).join(".*")));
  }
  await expect(page.getByTestId("live-release")).toContainText(o.version, { timeout: 180_000 });
}

/**
 * From an app page whose app (the fixture repository at v1) is not deployed yet, to v2 live with
 * no failed request during the redeploy. Returns the tab showing the app.
 */
export async function deployAndRedeploy(page: Page, context: BrowserContext, repo: FixtureRepo, target: JourneyTarget): Promise<Page> {
  // Deploy: steps and log appear live, then the release goes live.
  await deployInBrowser(page, { build: 1, version: "v1", steps: target.buildSteps });

  // The person opens the app and sees it.
  const site = await target.openApp(page, context);
  await expect(site.locator("#version")).toHaveText("version v1");

  // The app's runtime logs stream into the page.
  await expect(page.getByTestId("runtime-log")).toContainText(startupLine("v1"), { timeout: 60_000 });

  // A new commit, deployed while a client keeps requesting the app: no request may fail.
  await repo.commitVersion("v2");
  const poller = target.pollApp();
  await deployInBrowser(page, { build: 2, version: "v2" });
  // The new release's startup line, while it is fresh: the log view keeps the last 1000 lines, and
  // the poller's requests (logged by the app) push older ones out within about half a minute.
  await expect(page.getByTestId("runtime-log")).toContainText(startupLine("v2"), { timeout: 60_000 });
  // Keep requesting through the old release's drain and removal.
  await target.afterRollout(page);
  const seen = await poller.stop();
  console.log(`redeploy: ${seen.ok + seen.failed.length} requests to the app, ${seen.failed.length} failed`);
  expect(seen.failed, `failed requests during the redeploy (of ${seen.ok + seen.failed.length})`).toEqual([]);
  expect(seen.ok).toBeGreaterThan(50);
  expect([...seen.versions].sort()).toEqual(["v1", "v2"]);

  await site.reload();
  await expect(site.locator("#version")).toHaveText("version v2");
  await expect(page.getByTestId("releases")).toContainText("v1");
  await expect(page.getByTestId("releases")).toContainText("superseded");
  return site;
}
