// The first journey, end to end in Debian's Chromium against the real platform (web + slipwayd +
// Podman + git): sign up → project → app from a git repository → refused over-quota deploy →
// Deploy with live build steps and log → the URL serves the app → runtime logs stream → a new
// commit is deployed with no failed request in between (that part is the journey every runtime
// target takes, e2e/support/deploy-journey.ts; e2e/cluster-deploy-journey.spec.ts takes it on the
// test cluster) → rolling restart, stop and start.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, signUpInBrowser } from "./support/journey-steps";
import { createFixtureRepo, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage } from "../tests/support/test-images";
import { pollIngress } from "./support/ingress-poller";
import { deployAndRedeploy } from "./support/deploy-journey";

test.describe.configure({ mode: "serial" });

let platform: Platform;
let repo: FixtureRepo;
const slugs = { app: "web", project: "shop", team: "default" };

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  // Its own platform: this journey's user must be the first to sign up (platform admin).
  platform = await startPlatform();
});

test.afterAll(async () => {
  await platform?.stop();
});

test("a developer deploys a git repository from the browser and redeploys without downtime", async ({ page, context }) => {
  test.setTimeout(600_000);
  const web = platform.webUrl;
  const appUrl = platform.appUrl(slugs);

  // Without the setup link, the first sign-up is refused and says what to do.
  await page.goto(`${web}/`);
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByTestId("auth-notice")).toContainText("This Slipway has no admin yet");
  await page.getByLabel("Email").fill("mallory@example.test");
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("error")).toContainText("run npm start and open the link it printed");

  // Sign up through the first-time setup link `npm start` prints: the first user becomes platform
  // admin and owner of the default team.
  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });
  await expect(page.getByTestId("current-team")).toContainText("default");

  // The platform admin allows local repositories (the fixture repo is a path on this machine).
  await allowLocalSources(page);

  // A project name that is not a DNS label is refused with a clear message.
  await page.getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("Project name").fill("My Shop");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByTestId("error")).toContainText("DNS-1123");
  await page.getByLabel("Project name").fill("shop");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: /^shop/ }).click();

  // The app, from the git repository.
  await page.getByLabel("App name").fill("web");
  await page.getByLabel("Repository URL").fill(repo.fileUrl);
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByRole("heading", { name: "web" })).toBeVisible();

  // Over quota: the deploy is refused, naming the limit, its usage and its value.
  await page.getByLabel("CPU (millicores)").fill("5000");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved: deploy to apply.")).toBeVisible();
  await page.getByTestId("deploy-button").click();
  const refusal = page.getByTestId("error").filter({ hasText: "quota" });
  await expect(refusal).toContainText("exceed the team's cpu quota");
  await expect(refusal).toContainText("needs 5000 millicores");
  await expect(refusal).toContainText("already uses 0 millicores");
  await expect(refusal).toContainText("quota is 4000 millicores");
  await page.getByLabel("CPU (millicores)").fill("250");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved: deploy to apply.")).toBeVisible();

  // Deploy, open, runtime logs, redeploy with no failed request: the journey every runtime target
  // takes (e2e/support/deploy-journey.ts). Here the URL is the app's hostname on the ingress, and
  // the browser opens it (Chromium resolves *.localhost to loopback).
  const host = new URL(appUrl).hostname;
  const site = await deployAndRedeploy(page, context, repo, {
    buildSteps: ["clone", "build", "release"],
    async openApp() {
      await expect(page.getByTestId("app-url")).toHaveText(appUrl);
      const tab = await context.newPage();
      await tab.goto(appUrl);
      return tab;
    },
    pollApp: () => pollIngress(platform.ingressPort, host),
    afterRollout: () => page.waitForTimeout(8_000),
  });

  // A rolling restart from the page: every replica replaced, no request dropped, on the timeline.
  const restartPoller = pollIngress(platform.ingressPort, host);
  await page.getByTestId("restart-app").click();
  const events = page.getByTestId("app-events");
  await expect(events.locator('[data-kind="restarted"]')).toContainText("restarted v2", { timeout: 20_000 });
  await page.waitForTimeout(12_000);
  await restartPoller.stop();
  expect(restartPoller.seen.failed, `failed requests during the restart (of ${restartPoller.seen.ok})`).toEqual([]);
  expect(restartPoller.seen.ok).toBeGreaterThan(50);
  expect([...restartPoller.seen.versions]).toEqual(["v2"]);
  await expect(events.locator('[data-kind="deployed"]').first()).toContainText("deployed v2");

  // Stop: the URL says so; start: it serves again.
  await page.getByTestId("stop-app").click();
  await page.getByTestId("confirm-stop-app").click();
  await expect(page.getByTestId("app-stopped")).toBeVisible({ timeout: 20_000 });
  await expect(async () => {
    await site.reload();
    await expect(site.locator("body")).toContainText("app stopped", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await page.getByTestId("start-app").click();
  await expect(page.getByTestId("app-stopped")).toBeHidden({ timeout: 20_000 });
  await expect(async () => {
    await site.reload();
    await expect(site.locator("#version")).toHaveText("version v2", { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await expect(events.locator('[data-kind="stopped"]')).toBeVisible();
  await expect(events.locator('[data-kind="started"]')).toBeVisible();

  // The README's screenshot is refreshed from here (docs/screenshot.png).
  await page.screenshot({ path: "test-results/e2e/app-page.png", fullPage: true });
});
