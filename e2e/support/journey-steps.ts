// Steps several browser journeys take the same way. Each waits for the page to show that the step
// took effect, so a journey reads as its story and not as the clicks in between.
import { expect, type Page } from "@playwright/test";

/** Signs up at `url` (the setup link for the first admin, an invitation link, or /sign-up). */
export async function signUpInBrowser(page: Page, url: string, user: { name: string; email: string | null }): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.getByLabel("Name").fill(user.name);
  if (user.email) await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
}

/**
 * The platform admin allows local repositories (fixture repositories are paths on this machine).
 * The box is controlled by the settings query and flips optimistically, so the saved answer is
 * awaited too.
 */
export async function allowLocalSources(page: Page): Promise<void> {
  await allowPlatformSetting(page, "allow-local-sources");
}

/** Ticks one of the platform settings' boxes on the team page (platform admin) and waits until it is saved. */
export async function allowPlatformSetting(page: Page, testId: string): Promise<void> {
  await page.getByRole("link", { name: "Team" }).click();
  const box = page.getByTestId(testId);
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/platform/settings") && r.request().method() === "PUT");
  await box.click();
  expect((await saved).status()).toBe(200);
  await expect(box).toBeChecked();
}

/** Creates a project and an app in it from a git repository, and opens the app's page. */
export async function createProjectAndApp(page: Page, o: { project: string; app: string; repositoryUrl: string }): Promise<void> {
  await page.getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("Project name").fill(o.project);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: new RegExp(`^${o.project}`) }).click();
  await page.getByLabel("App name").fill(o.app);
  await page.getByLabel("Repository URL").fill(o.repositoryUrl);
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByRole("heading", { name: o.app })).toBeVisible();
}
