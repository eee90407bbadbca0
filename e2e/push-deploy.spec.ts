// Deploy on push, end to end in Debian's Chromium: a git server on this machine (a bare repository
// whose post-receive hook sends a signed GitHub-format push to the app's webhook), an app made from
// it in the browser, deployed once by hand, then deploy on push switched on in the page, the URL
// and the secret shown once copied into the hook, and a commit pushed with `git push`: the page
// shows the new build (triggered by the push, with the commit message) without anyone pressing
// Deploy, and the app serves the new text. The deliveries page lists the push with its answer,
// and redeliver re-sends it.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, createProjectAndApp, signUpInBrowser } from "./support/journey-steps";
import { createGitServer, type GitServer } from "./support/git-server";
import { createFixtureRepo, fixtureDockerfile } from "../tests/support/git-fixtures";
import { ensureTestBaseImage } from "../tests/support/test-images";

test.describe.configure({ mode: "serial" });

let platform: Platform;
let gitServer: GitServer;
const slugs = { app: "web", project: "shop", team: "default" };

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  const seed = await createFixtureRepo({ version: "v1" });
  gitServer = await createGitServer(seed.dir);
  // Its own platform: this journey's user must be the first to sign up (platform admin).
  platform = await startPlatform();
});

test.afterAll(async () => {
  await platform?.stop();
  gitServer?.remove();
});

test("a git push to a repository with a webhook builds and serves the pushed commit without pressing Deploy", async ({ page, context }) => {
  test.setTimeout(480_000);
  const appUrl = platform.appUrl(slugs);

  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });

  // The git server is a path on this machine: the platform admin allows local repositories.
  await allowLocalSources(page);

  await createProjectAndApp(page, { project: "shop", app: "web", repositoryUrl: gitServer.bareDir });

  // The first deploy, by hand.
  await page.getByTestId("deploy-button").click();
  const history = page.getByTestId("build-history");
  const rows = history.getByTestId("build-row");
  await expect(rows.first()).toContainText("#1", { timeout: 30_000 });
  await expect(rows.first()).toContainText("manual by Ada");
  await expect(rows.first()).toContainText("SUCCEEDED", { timeout: 180_000 });
  await expect(page.getByTestId("live-release")).toContainText("v1", { timeout: 120_000 });
  const site = await context.newPage();
  await site.goto(appUrl);
  await expect(site.locator("#version")).toHaveText("version v1");

  // Deploy on push: switched on in the page; the URL and the secret (shown once) go into the hook.
  const card = page.getByTestId("deploy-on-push-card");
  const toggled = page.waitForResponse((r) => r.url().endsWith("/webhook") && r.request().method() === "PATCH");
  await card.getByTestId("deploy-on-push").click();
  expect((await toggled).status()).toBe(200);
  await expect(card.getByTestId("deploy-on-push")).toBeChecked();
  const shown = card.getByTestId("webhook-secret");
  await expect(shown).toContainText("shown only once");
  const secret = await shown.getByLabel("Webhook secret").inputValue();
  expect(secret.length).toBeGreaterThanOrEqual(20);
  const url = (await card.getByTestId("webhook-url").textContent())?.trim() ?? "";
  expect(url).toMatch(new RegExp(`^${platform.webUrl}/api/hooks/\\S+$`));
  gitServer.configureWebhook({ url, secret });
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);

  // A developer's working clone: a new text, committed and pushed. The hook reports the answer.
  const work = await gitServer.clone();
  const message = "Greet visitors in v2";
  const pushed = await work.commitAndPush(
    {
      Dockerfile: fixtureDockerfile("v2"),
      "index.html": `<!doctype html><html><body><p id="version">version v2</p><p id="greeting">Hello from a git push</p></body></html>\n`,
    },
    message,
  );
  const hookLine = /slipway webhook: refs\/heads\/main ([0-9a-f]{40}) delivery (\S+) -> 202 /.exec(pushed.output);
  expect(hookLine, `git push printed:\n${pushed.output}\nhook log:\n${gitServer.hookLog()}`).not.toBeNull();
  expect(hookLine![1]).toBe(pushed.sha);
  const deliveryId = hookLine![2]!;

  // The page shows the new build, triggered by the push, without a reload and without Deploy.
  const pushRow = rows.filter({ hasText: "#2" });
  await expect(pushRow).toContainText("push", { timeout: 30_000 });
  await expect(pushRow).toContainText(message);
  await expect(pushRow).toContainText("SUCCEEDED", { timeout: 180_000 });
  await expect(rows.filter({ hasText: "#1" })).toContainText("manual by Ada");
  await expect(page.getByTestId("live-release")).toContainText("v2", { timeout: 120_000 });
  // The README's push-deploy screenshot is refreshed from here (docs/push-deploy.png).
  await page.screenshot({ path: "test-results/e2e/push-app-page.png", fullPage: true });
  await site.reload();
  await expect(site.locator("#greeting")).toHaveText("Hello from a git push");

  // The deliveries page: the push with what it became and the status answered; redeliver re-sends it.
  await page.getByTestId("deliveries-link").click();
  await expect(page).toHaveURL(/\/apps\/[^/]+\/deliveries$/);
  const deliveries = page.getByTestId("delivery-row");
  await expect(deliveries).toHaveCount(1);
  await expect(deliveries.first()).toContainText("build #2 queued");
  await expect(deliveries.first()).toContainText("202");
  await expect(deliveries.first()).toContainText(pushed.sha.slice(0, 7));
  await expect(deliveries.first()).toContainText(message);
  await expect(deliveries.first()).toContainText(deliveryId);
  await deliveries.first().getByTestId("redeliver").click();
  await expect(deliveries).toHaveCount(2);
  await expect(deliveries.first()).toContainText(/build #3 queued|coalesced into #\d/);
  // …and docs/deliveries.png from here.
  await page.screenshot({ path: "test-results/e2e/deliveries-page.png", fullPage: true });
});
