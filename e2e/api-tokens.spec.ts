// API tokens from the team page to a script and back: created with a role no higher than one's
// own, shown once, used as a Bearer token by a client that is not a browser, listed with its last
// use, revoked.
import http from "node:http";
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { signUpInBrowser } from "./support/journey-steps";

test.describe.configure({ mode: "serial" });

let platform: Platform;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  platform = await startPlatform({ daemon: false });
});

test.afterAll(async () => {
  await platform?.stop();
});

/** A script's request: no browser, no cookie, no Origin. */
function script(method: string, pathname: string, token: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: "127.0.0.1", port: platform.webPort, method, path: pathname, headers: { authorization: `Bearer ${token}`, ...(data ? { "content-type": "application/json" } : {}) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

test("a member creates a token on the team page, a script uses it, the member revokes it", async ({ page }) => {
  await signUpInBrowser(page, platform.setupLink(), { name: "Tess", email: "tess@example.test" });

  await page.getByRole("link", { name: "Team" }).click();
  const card = page.getByTestId("api-tokens-card");
  await card.getByLabel("Name").fill("ci-deploy");
  await card.getByLabel("Role").selectOption("DEVELOPER");
  await card.getByLabel("Expires in (days)").fill("30");
  await card.getByRole("button", { name: "Create", exact: true }).click();
  const shown = card.getByTestId("new-api-token");
  await expect(shown).toContainText("it will not be shown again");
  const token = await card.getByLabel("New API token").inputValue();
  expect(token).toMatch(/^slw_/);
  const list = card.getByTestId("api-tokens");
  await expect(list).toContainText("ci-deploy");
  await expect(list).toContainText(token.slice(0, 10));
  await expect(list).toContainText("last used never");

  // The script: its token works without any browser header, within the token's role.
  const created = await script("POST", "/api/v1/projects", token, { slug: "from-ci" });
  expect(created.status, created.body).toBe(201);
  expect((await script("GET", "/api/v1/projects", token)).status).toBe(200);
  expect((await script("GET", "/api/v1/platform/settings", token)).status).toBe(403);
  expect((await script("PUT", "/api/v1/platform/settings", token, { allowLocalGitSources: true })).status).toBe(403);
  expect((await script("POST", "/api/v1/team/tokens", token, { name: "child", role: "VIEWER" })).status).toBe(403);

  // Once dismissed, the token is nowhere on the page again; the list shows its use.
  await card.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);
  await page.reload();
  await expect(list).not.toContainText("last used never");
  expect(await page.content()).not.toContain(token);

  await list.getByRole("button", { name: "Revoke" }).click();
  await expect(list).toContainText("revoked");
  expect((await script("GET", "/api/v1/projects", token)).status).toBe(401);
});
