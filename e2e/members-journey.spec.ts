// Members in the browser: the first admin signs up through the setup link, invites people by link,
// an invitee signs up through it and lands in the team, another accepts while signed in and switches
// teams in the header, roles change, a member leaves. No daemon needed.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { signUpInBrowser } from "./support/journey-steps";
import type { Browser, Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

let platform: Platform;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  platform = await startPlatform({ daemon: false });
});

test.afterAll(async () => {
  await platform?.stop();
});


async function invite(page: Page, email: string, role: string): Promise<string> {
  await page.goto(`${platform.webUrl}/team`);
  await page.getByLabel("Invite by email").fill(email);
  await page.getByLabel("Invited role").selectOption(role);
  await page.getByRole("button", { name: "Create link" }).click();
  const link = await page.getByLabel("Invitation link", { exact: true }).inputValue();
  expect(link).toMatch(new RegExp(`^${platform.webUrl}/invite/[A-Za-z0-9_-]+$`));
  await expect(page.getByTestId("pending-invitations")).toContainText(email);
  return link;
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test("team admins invite by link, invitees join, roles change, members switch teams and leave", async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });
  await expect(page.getByTestId("current-team")).toContainText("default");

  // Bob signs up through his invitation link: he joins "default" as a developer, and nothing else.
  const bobLink = await invite(page, "bob@example.test", "DEVELOPER");
  const bob = await newPage(browser);
  await bob.goto(bobLink);
  await expect(bob.getByText("invited bob@example.test to join team Default")).toBeVisible();
  await bob.getByRole("link", { name: "Sign up" }).click();
  await expect(bob.getByTestId("auth-notice")).toContainText("invited you to join Default as developer");
  await expect(bob.getByLabel("Email")).toHaveValue("bob@example.test");
  await signUpInBrowser(bob, bob.url(), { name: "Bob", email: null });
  await expect(bob.getByTestId("current-team")).toContainText("default · developer");
  await expect(bob.getByTestId("team-switcher")).toHaveCount(0);

  // The link worked once.
  const again = await newPage(browser);
  await again.goto(bobLink);
  await expect(again.getByTestId("invitation-gone")).toContainText("already been used");

  // Carol has her own team; she accepts an invitation while signed in and switches between teams.
  const carol = await newPage(browser);
  await signUpInBrowser(carol, `${platform.webUrl}/sign-up`, { name: "Carol", email: "carol@example.test" });
  await expect(carol.getByTestId("current-team")).toContainText("carol");
  const carolLink = await invite(page, "carol@example.test", "VIEWER");
  await carol.goto(carolLink);
  await carol.getByRole("button", { name: "Accept invitation" }).click();
  await expect(carol.getByTestId("current-team")).toContainText("default · viewer");
  await carol.getByTestId("team-switcher").selectOption("carol");
  await expect(carol.getByTestId("current-team")).toContainText("carol · owner");
  await carol.getByTestId("team-switcher").selectOption("default");
  await expect(carol.getByTestId("current-team")).toContainText("default · viewer");

  // Ada makes Bob an admin; on his team page he can only offer roles up to admin, and cannot touch Ada.
  await page.goto(`${platform.webUrl}/team`);
  await page.getByLabel("Role of bob@example.test").selectOption("ADMIN");
  await expect(page.getByLabel("Role of bob@example.test")).toHaveValue("ADMIN");
  await bob.goto(`${platform.webUrl}/team`);
  await expect(bob.getByLabel("Role of carol@example.test")).toBeVisible();
  await expect(bob.getByLabel("Role of ada@example.test")).toHaveCount(0);
  await expect(bob.getByLabel("Invited role").locator("option")).toHaveText(["admin", "developer", "viewer"]);

  // The last owner cannot leave; Carol can.
  page.on("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Leave team" }).click();
  // (The team page has other cards that may show an error of their own, e.g. usage over time.)
  await expect(page.getByTestId("error").filter({ hasText: "last owner" })).toBeVisible();
  carol.on("dialog", (d) => void d.accept());
  await carol.goto(`${platform.webUrl}/team`);
  await carol.getByRole("button", { name: "Leave team" }).click();
  await expect(carol.getByTestId("current-team")).toContainText("carol · owner");
  await page.reload();
  await expect(page.getByTestId("members")).toContainText("bob@example.test");
  await expect(page.getByTestId("members")).not.toContainText("carol@example.test");

  // Bob leaves his only team: he is told how to get back in.
  bob.on("dialog", (d) => void d.accept());
  await bob.getByRole("button", { name: "Leave team" }).click();
  await expect(bob.getByText("You are not a member of any team")).toBeVisible();

  // The platform admin makes sign-up invite-only: a stranger is refused with what to do.
  await page.goto(`${platform.webUrl}/platform`);
  await page.getByTestId("signup-policy").getByLabel(/Invite only/).check();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("signup-policy")).toContainText("Saved.");
  const stranger = await newPage(browser);
  await stranger.goto(`${platform.webUrl}/sign-up`);
  await stranger.getByLabel("Name").fill("Eve");
  await stranger.getByLabel("Email").fill("eve@example.test");
  await stranger.getByLabel("Password").fill("a-long-password");
  await stranger.getByRole("button", { name: "Sign up" }).click();
  await expect(stranger.getByTestId("error")).toContainText("by invitation only");
});
