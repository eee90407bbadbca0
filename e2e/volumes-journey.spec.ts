// Volumes and backups, end to end in Debian's Chromium against the real platform (web + slipwayd +
// Podman + git): a volume is created on the team's Volumes page and attached to an app; the app
// (busybox httpd with a CGI script) stores each entry a person submits in a file on the volume;
// one entry is written through the app's URL, the volume is backed up from the app page (a
// consistent backup: the app is held during the copy), a second entry is written, the backup is
// restored into the same volume, and the app shows only the first entry again. Then a team admin
// adds an S3 backup target (moto's server on loopback) in the browser, the volume backs up there,
// the backup is restored into a new volume, and the app, switched to the copy, lists what the
// backup held. The Volumes page and the app page's Volumes section are checked with axe-core.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, allowPlatformSetting, createProjectAndApp, signUpInBrowser } from "./support/journey-steps";
import { deployInBrowser } from "./support/deploy-journey";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { createFixtureRepo, FIXTURE_PORT, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { startS3Server, type S3Server } from "../tests/support/s3-server";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";

test.describe.configure({ mode: "serial" });

const MOUNT_PATH = "/data";

/** Lists the entries in the volume; a POSTed `entry=<word>` is appended first. Write errors are shown. */
const ENTRIES_CGI = `#!/bin/sh
FILE=${MOUNT_PATH}/entries.txt
printf 'Content-Type: text/html\\r\\n\\r\\n'
echo '<!doctype html><html lang="en"><head><title>Entries</title></head><body><h1>Entries</h1>'
if [ "$REQUEST_METHOD" = POST ]; then
  entry=$(head -c "\${CONTENT_LENGTH:-0}" | sed -n 's/^entry=//p' | tr -cd 'a-z0-9-')
  if [ -n "$entry" ] && ! err=$(echo "$entry" 2>&1 >>"$FILE"); then echo "<p id=\\"error\\">cannot write: $err</p>"; fi
fi
echo '<ul id="entries">'
if [ -f "$FILE" ]; then while read -r line; do echo "<li>$line</li>"; done < "$FILE"; fi
echo '</ul><form method="post" action="/cgi-bin/entries"><label>Entry <input name="entry"></label><button>Add</button></form></body></html>'
`;

const INDEX_HTML = `<!doctype html><html lang="en"><head><title>Notes</title></head><body><p id="version">version v1</p><a href="/cgi-bin/entries">Entries</a></body></html>\n`;

const DOCKERFILE = [
  `FROM ${TEST_BASE_IMAGE}`,
  `COPY index.html /www/index.html`,
  `COPY entries.cgi /www/cgi-bin/entries`,
  `RUN chmod 755 /www/cgi-bin/entries && echo "built v1" > /www/build.txt`,
  `EXPOSE ${FIXTURE_PORT}`,
  `CMD ["httpd", "-f", "-vv", "-p", "${FIXTURE_PORT}", "-h", "/www"]`,
  "",
].join("\n");

let platform: Platform;
let repo: FixtureRepo;
let s3: S3Server | undefined;
const slugs = { app: "notes", project: "diary", team: "default" };

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  await repo.commitFiles({ Dockerfile: DOCKERFILE, "index.html": INDEX_HTML, "entries.cgi": ENTRIES_CGI }, "an app that stores entries in /data");
  // Its own platform: its user signs up first (platform admin, team owner).
  platform = await startPlatform();
});

test.afterAll(async () => {
  await s3?.stop();
  await platform?.stop();
});

/** The app's entries page, read again until it lists exactly `expected` (it may be restarting). */
async function expectEntries(site: Page, url: string, expected: string[]): Promise<void> {
  await expect(async () => {
    const res = await site.goto(url);
    expect(res?.status()).toBe(200);
    await expect(site.locator("#entries li")).toHaveText(expected, { timeout: 1000 });
  }).toPass({ timeout: 120_000 });
}

async function addEntry(site: Page, url: string, entry: string): Promise<void> {
  await site.goto(url);
  await site.getByLabel("Entry").fill(entry);
  await site.getByRole("button", { name: "Add" }).click();
  await expect(site.locator("#error")).toHaveCount(0);
  await expect(site.locator("#entries li").last()).toHaveText(entry);
}

test("a volume keeps an app's entries, and a restored backup brings back exactly what it held", async ({ page, context }) => {
  test.setTimeout(600_000);
  const entriesUrl = platform.appUrl(slugs, "/cgi-bin/entries");

  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });
  await allowLocalSources(page);
  await createProjectAndApp(page, { project: slugs.project, app: slugs.app, repositoryUrl: repo.fileUrl });
  const appPage = page.url();

  // The team's Volumes page: empty, then a volume of 1 GiB in the app's project.
  await page.getByRole("link", { name: "Volumes", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Volumes", level: 1 })).toBeVisible();
  await page.getByLabel("Project", { exact: true }).selectOption({ label: slugs.project });
  await page.getByLabel("Volume name", { exact: true }).fill("entries");
  // Over the team's storage quota (20 GiB by default): refused, naming the limit, usage and value.
  await page.getByLabel("Size (GiB)", { exact: true }).fill("50");
  await page.getByRole("button", { name: "Create volume" }).click();
  const refusal = page.getByTestId("error").filter({ hasText: "quota" });
  await expect(refusal).toContainText("exceed the team's storage quota");
  await expect(refusal).toContainText("already uses 0");
  await page.getByLabel("Size (GiB)", { exact: true }).fill("1");
  await page.getByRole("button", { name: "Create volume" }).click();
  const volume = page.getByTestId("volume-entries");
  await expect(volume).toContainText(`project ${slugs.project}`);
  await expect(volume.getByTestId("volume-state")).toHaveText("ready", { timeout: 60_000 });
  await expect(volume.getByTestId("volume-usage")).toContainText("of 1 GiB");

  // Attach it to the app at /data.
  await volume.getByLabel("Attach to app").selectOption({ label: slugs.app });
  await volume.getByLabel("Mount path").fill(MOUNT_PATH);
  await volume.getByRole("button", { name: "Attach", exact: true }).click();
  await expect(volume.getByTestId("volume-attachment")).toHaveText(`attached to ${slugs.app} at ${MOUNT_PATH}`);
  await expectNoSeriousAxeViolations(page, { name: "the Volumes page" });

  // Deploy the app; its page lists the volume it mounts.
  await page.goto(appPage);
  const section = page.getByTestId("app-volumes");
  await expect(section.getByTestId("volume-attachment")).toHaveText(`attached to ${slugs.app} at ${MOUNT_PATH}`);
  await deployInBrowser(page, { build: 1, version: "v1" });

  // One entry, written through the app's URL, stored on the volume.
  const site = await context.newPage();
  await addEntry(site, entriesUrl, "first");
  await expectEntries(site, entriesUrl, ["first"]);

  // Back up now, from the app page; the backup ends SUCCEEDED with its archive's size and checksum.
  const item = section.getByTestId("volume-entries");
  await item.getByTestId("toggle-backups").click();
  await expect(item.getByTestId("backups-panel")).toContainText("No backups yet.");
  // Consistent: the app is held (no replica runs) while the files are copied, then starts again.
  await item.getByTestId("backup-consistent").check();
  await item.getByTestId("back-up-now").click();
  const backup = item.getByTestId("backup-row").first();
  await expect(backup.getByTestId("backup-status")).toHaveText("SUCCEEDED", { timeout: 120_000 });
  await expect(backup).toContainText("manual · consistent");
  await expect(backup).toContainText("sha256");
  await expect(item.getByTestId("volume-usage")).toContainText("used", { timeout: 60_000 });
  await section.screenshot({ path: "test-results/e2e/app-volumes-section.png" });
  await expectNoSeriousAxeViolations(page, { name: "the app page's Volumes section", include: '[data-testid="app-volumes"]' });

  // A second entry after the backup.
  await addEntry(site, entriesUrl, "second");
  await expectEntries(site, entriesUrl, ["first", "second"]);

  // Restore the backup into the same volume: the app is held during the restore, then runs the same
  // release again, and holds only what the backup held.
  await backup.getByTestId("restore-backup").click();
  await expect(backup.getByTestId("restore-form")).toContainText("Into entries");
  await backup.getByTestId("confirm-restore").click();
  await expect(backup.getByTestId("restore-status")).toHaveText("SUCCEEDED", { timeout: 180_000 });
  await expectEntries(site, entriesUrl, ["first"]);
  await expect(page.getByTestId("live-release")).toContainText("v1");

  // The README's screenshot of the Volumes page (docs/volumes.png is refreshed from here).
  await page.getByRole("link", { name: "Volumes", exact: true }).click();
  // The app page lists the same volume: wait for the Volumes page itself.
  await expect(page.getByRole("heading", { name: "Volumes", level: 1 })).toBeVisible();
  const listed = page.getByTestId("volume-entries");
  await expect(listed.getByTestId("volume-usage")).toContainText("used");

  // Grow it to 2 GiB while it is mounted: the size changes at once, the filesystem follows.
  await listed.getByLabel("New size (GiB)").fill("2");
  await listed.getByRole("button", { name: "Grow" }).click();
  await expect(listed.getByTestId("volume-usage")).toContainText("of 2 GiB");
  await expect(listed.getByTestId("volume-usage")).not.toContainText("growing", { timeout: 60_000 });
  await listed.getByTestId("toggle-backups").click();
  await expect(listed.getByTestId("backup-row")).toHaveCount(1);
  await page.screenshot({ path: "test-results/e2e/volumes-page.png", fullPage: true });
});

test("a team admin adds an S3 backup target; a backup there, restored into a new volume, is what the app mounts next", async ({ page }) => {
  test.setTimeout(480_000);
  const entriesUrl = platform.appUrl(slugs, "/cgi-bin/entries");
  s3 = await startS3Server();
  await s3.createBucket("slipway-backups");

  await page.goto(`${platform.webUrl}/sign-in`);
  await page.getByLabel("Email").fill("ada@example.test");
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();

  // The S3 server is on loopback: the platform admin allows private backup endpoints.
  await allowPlatformSetting(page, "allow-private-backup-endpoints");

  // A third entry, so the backup holds something the first backup did not.
  const site = await page.context().newPage();
  await addEntry(site, entriesUrl, "third");
  await expectEntries(site, entriesUrl, ["first", "third"]);

  // The target, from the Volumes page (team admins).
  await page.getByRole("link", { name: "Volumes", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Volumes", level: 1 })).toBeVisible();
  const targets = page.getByTestId("backup-targets");
  await targets.getByLabel("Target name").fill("offsite");
  await targets.getByLabel("Endpoint URL").fill(s3.endpoint);
  await targets.getByLabel("Bucket").fill("slipway-backups");
  await targets.getByLabel("Key prefix (optional)").fill("e2e/");
  await targets.getByLabel("Access key ID").fill(s3.accessKeyId);
  await targets.getByLabel("Secret access key").fill(s3.secretAccessKey);
  await targets.getByRole("button", { name: "Add backup target" }).click();
  await expect(targets.getByTestId("backup-target-offsite")).toContainText(`${s3.endpoint}/slipway-backups/e2e/`);

  // The volume backs up there from now on.
  const volume = page.getByTestId("volume-entries");
  await volume.getByTestId("toggle-backups").click();
  await volume.getByLabel("Backup location").selectOption({ label: "offsite (slipway-backups)" });
  await volume.getByRole("button", { name: "Save schedule" }).click();
  await expect(volume.getByText("Schedule saved.")).toBeVisible();
  await volume.getByTestId("back-up-now").click();
  const backup = volume.getByTestId("backup-row").filter({ hasText: "→ offsite" });
  await expect(backup.getByTestId("backup-status")).toHaveText("SUCCEEDED", { timeout: 120_000 });
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: "slipway-backups", Prefix: "e2e/" }));
  expect(listed.Contents?.length ?? 0, "archives under the target's prefix").toBeGreaterThan(0);
  // Written after the backup: in the original volume only.
  await addEntry(site, entriesUrl, "fourth");

  // Restore it into a new volume of the same project.
  await backup.getByTestId("restore-backup").click();
  await backup.getByLabel("Into a new volume").check();
  await backup.getByLabel("New volume name").fill("entries-copy");
  await backup.getByTestId("confirm-restore").click();
  await expect(backup.getByTestId("restore-status")).toHaveText("SUCCEEDED", { timeout: 180_000 });
  const copy = page.getByTestId("volume-entries-copy");
  await expect(copy.getByTestId("volume-state")).toHaveText("ready");

  // The app mounts the copy instead of the original: it lists what the backup held.
  await volume.getByTestId("detach-volume").click();
  await expect(volume.getByTestId("attach-volume-form")).toBeVisible();
  await copy.getByLabel("Attach to app").selectOption({ label: slugs.app });
  await copy.getByLabel("Mount path").fill(MOUNT_PATH);
  await copy.getByRole("button", { name: "Attach", exact: true }).click();
  await expect(copy.getByTestId("volume-attachment")).toHaveText(`attached to ${slugs.app} at ${MOUNT_PATH}`);
  await expectEntries(site, entriesUrl, ["first", "third"]);
  await expectNoSeriousAxeViolations(page, { name: "the Volumes page with a backup target" });
});
