// Kept logs and metrics, end to end in Debian's Chromium against the real platform (web + slipwayd
// + Podman + git). The app is busybox's httpd with two CGI scripts: /cgi-bin/crash logs a line the
// test makes up and makes the app exit 1 (the way a real server dies on a fatal error), and
// /cgi-bin/work spends some CPU per request. v1 and v2 are deployed; v2 is made to crash, and with
// a crash limit of 1 slipwayd rolls it back to v1 and removes v2's container. The crash's line is
// then found by searching in the browser (the container that printed it is gone), and its line
// link opens the search on it. Under load through the ingress, the CPU and request charts' figures
// rise from what they were. axe-core checks the app page with the Live and the Search panel open,
// and the team page's usage and log retention. The README's screenshot comes from here.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, createProjectAndApp, signUpInBrowser } from "./support/journey-steps";
import { deployInBrowser } from "./support/deploy-journey";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { createFixtureRepo, FIXTURE_PORT, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { ingressGet } from "../tests/support/net";
import type { Locator, Page } from "@playwright/test";

const run = promisify(execFile);

test.describe.configure({ mode: "serial" });

/** The line the crash prints: made up per run, so finding it proves it came from this run. */
const MARKER = `ledger-fatal-${randomBytes(6).toString("hex")}`;

/**
 * The server runs in the background; the script waits for the crash endpoint's note, prints it to
 * stderr and exits 1. Its first line is coloured (ANSI green), as many servers' banners are.
 */
const START_SH = (version: string) => `#!/bin/sh
printf '\\033[32mledger ${version} listening on ${FIXTURE_PORT}\\033[0m\\n'
httpd -f -vv -p ${FIXTURE_PORT} -h /www &
while [ ! -f /tmp/crash ]; do sleep 0.2; done
cat /tmp/crash >&2
exit 1
`;

const CRASH_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
echo "fatal: \${QUERY_STRING}" > /tmp/crash.tmp && mv /tmp/crash.tmp /tmp/crash
echo "crashing"
`;

/** Some CPU per request (a few tens of milliseconds of shell arithmetic). */
const WORK_CGI = `#!/bin/sh
i=0
while [ $i -lt 20000 ]; do i=$((i+1)); done
printf 'Content-Type: text/plain\\r\\n\\r\\nworked %s\\n' "$i"
`;

const dockerfile = (version: string) =>
  [
    `FROM ${TEST_BASE_IMAGE}`,
    `COPY index.html /www/index.html`,
    `COPY crash.cgi /www/cgi-bin/crash`,
    `COPY work.cgi /www/cgi-bin/work`,
    `COPY start.sh /start.sh`,
    `RUN chmod 755 /www/cgi-bin/crash /www/cgi-bin/work /start.sh && echo "built ${version}" > /www/build.txt`,
    `EXPOSE ${FIXTURE_PORT}`,
    `CMD ["/start.sh"]`,
    "",
  ].join("\n");

const files = (version: string) => ({
  Dockerfile: dockerfile(version),
  "index.html": `<!doctype html><html lang="en"><head><title>Ledger</title></head><body><p id="version">version ${version}</p></body></html>\n`,
  "crash.cgi": CRASH_CGI,
  "work.cgi": WORK_CGI,
  "start.sh": START_SH(version),
});

let platform: Platform;
let repo: FixtureRepo;
const slugs = { app: "ledger", project: "books", team: "default" };

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  await repo.commitFiles(files("v1"), "ledger v1");
  // Its own platform: one crash of a live release rolls it back (the default waits for three).
  platform = await startPlatform({ env: { SLIPWAY_CRASH_LOOP_LIMIT: "1" } });
});

test.afterAll(async () => {
  await platform?.stop();
});

/** The first number after `label` in a chart's text summary (0 when the chart says it has none). */
async function figure(summary: Locator, pattern: RegExp): Promise<number> {
  const m = pattern.exec(await summary.innerText());
  return m ? Number(m[1]) : 0;
}

async function containersOfRelease(releaseId: string): Promise<string[]> {
  const { stdout } = await run("podman", ["ps", "-a", "-q", "--filter", `label=slipway.release=${releaseId}`]);
  return stdout.split("\n").filter(Boolean);
}

/** Requests the app through the ingress from `loops` clients until `ms` have passed; every fifth asks for a missing page (404). */
async function load(host: string, o: { loops: number; ms: number }): Promise<{ ok: number; notFound: number; other: string[] }> {
  const seen = { ok: 0, notFound: 0, other: [] as string[] };
  const until = Date.now() + o.ms;
  await Promise.all(
    Array.from({ length: o.loops }, async () => {
      for (let i = 0; Date.now() < until; i++) {
        const res = await ingressGet(platform.ingressPort, host, i % 5 === 4 ? "/missing" : "/cgi-bin/work", 10_000).catch((e: Error) => ({ status: 0, body: e.message }));
        if (res.status === 200) seen.ok++;
        else if (res.status === 404) seen.notFound++;
        else seen.other.push(`${res.status} ${res.body.slice(0, 120)}`);
      }
    }),
  );
  return seen;
}

async function openSearch(page: Page): Promise<void> {
  await page.getByTestId("log-mode-search").click();
  await expect(page.getByTestId("log-search-form")).toBeVisible();
}

test("a crashed release's line is found by search after its container is gone; the charts follow load", async ({ page }) => {
  test.setTimeout(600_000);
  const host = new URL(platform.appUrl(slugs)).hostname;

  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });
  await allowLocalSources(page);
  await createProjectAndApp(page, { project: slugs.project, app: slugs.app, repositoryUrl: repo.fileUrl });
  const appPath = new URL(page.url()).pathname;
  const appId = /\/apps\/([^/]+)/.exec(appPath)?.[1] ?? "";
  expect(appId).not.toBe("");

  // v1, then v2: v2 is the one that will crash, v1 the one it rolls back to.
  await deployInBrowser(page, { build: 1, version: "v1" });
  await repo.commitFiles(files("v2"), "ledger v2");
  await deployInBrowser(page, { build: 2, version: "v2" });
  const site = await page.context().newPage();
  await expect(async () => {
    await site.goto(platform.appUrl(slugs));
    await expect(site.locator("#version")).toHaveText("version v2", { timeout: 1000 });
  }).toPass({ timeout: 60_000 });

  // The live view follows v2 and shows its coloured banner, in colour, as text.
  const live = page.getByTestId("runtime-log");
  await expect(live).toContainText("ledger v2 listening", { timeout: 60_000 });
  await expect(live.locator("span[style*='color']").filter({ hasText: "ledger v2 listening" })).toHaveCount(1);
  await expectNoSeriousAxeViolations(page, { name: "the app page with the Live log panel" });

  // Make v2 crash: it prints the marker and exits 1; one crash rolls it back to v1.
  const releases = (await (await page.request.get(`${platform.webUrl}/api/v1/apps/${appId}/releases`)).json()) as { id: string; version: number }[];
  const v2 = releases.find((r) => r.version === 2);
  expect(v2, "release v2").toBeDefined();
  expect(await containersOfRelease(v2!.id)).not.toEqual([]);
  const crash = await ingressGet(platform.ingressPort, host, `/cgi-bin/crash?${MARKER}`);
  expect(crash.status).toBe(200);
  await expect(page.getByTestId("live-release")).toContainText("v1", { timeout: 90_000 });
  // The container that printed the line is gone.
  await expect.poll(() => containersOfRelease(v2!.id), { timeout: 90_000, message: "v2's containers removed after the rollback" }).toEqual([]);

  // Search: the crash's line, in v2's lines, on stderr. (The note the crash left stays in the
  // container's /tmp: had slipwayd restarted it before rolling back, it printed the line again.)
  await openSearch(page);
  const form = page.getByTestId("log-search-form");
  await form.getByLabel("Text").fill(`fatal: ${MARKER}`);
  await form.getByLabel("Release").selectOption({ label: "v2" });
  await form.getByLabel("Stream").selectOption("stderr");
  const results = page.getByTestId("log-search-results");
  const lines = results.getByTestId("log-line");
  await expect(async () => {
    await form.getByRole("button", { name: "Search" }).click();
    await expect(lines.first()).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 60_000 });
  const shown = await lines.count();
  expect((await lines.allInnerTexts()).every((t) => t.endsWith(`fatal: ${MARKER}`))).toBe(true);
  await expect(page.getByTestId("log-search-summary")).toContainText(`${shown} line`);
  // The download link carries the same filters: the same lines, oldest first.
  const download = await page.getByTestId("log-download-ndjson").getAttribute("href");
  const ndjson = await (await page.request.get(`${platform.webUrl}${download}`)).text();
  const downloaded = ndjson.trim().split("\n").map((l) => JSON.parse(l) as { line: string; stream: string });
  expect(downloaded.map((l) => `${l.stream} ${l.line}`)).toEqual(Array.from({ length: shown }, () => `stderr fatal: ${MARKER}`));
  const found = lines.first();

  // Its line link opens the search on it, highlighted, with the lines before it (v2's banner).
  const seq = await found.getAttribute("data-seq");
  await found.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`[?&]line=${seq}\\b`));
  await expect(page.getByTestId("log-line-context")).toContainText(`Line ${seq}`);
  const highlighted = results.locator('[aria-current="true"]');
  await expect(highlighted).toContainText(`fatal: ${MARKER}`);
  await expect(results).toContainText("ledger v2 listening");
  // The same link, loaded afresh, opens the same view.
  await page.reload();
  await expect(page.getByTestId("log-mode-search")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("log-search-results").locator('[aria-current="true"]')).toContainText(`fatal: ${MARKER}`);
  await expectNoSeriousAxeViolations(page, { name: "the app page with the Search log panel" });
  // The results region is reachable from the keyboard.
  await page.getByTestId("log-search-results").focus();
  await expect(page.getByTestId("log-search-results")).toBeFocused();

  // The charts before load, then under load: CPU and requests rise.
  const cpu = page.getByTestId("chart-cpu-summary");
  const requests = page.getByTestId("chart-requests-summary");
  await expect(cpu).not.toHaveText("");
  const cpuBefore = await figure(cpu, /peak ([\d.]+) %/);
  const okBefore = await figure(requests, /2xx (\d+)/);
  const loaded = await load(host, { loops: 3, ms: 25_000 });
  console.log(`load: ${loaded.ok} × 200, ${loaded.notFound} × 404, ${loaded.other.length} other; CPU peak before ${cpuBefore} %, 2xx before ${okBefore}`);
  expect(loaded.other).toEqual([]);
  expect(loaded.ok).toBeGreaterThan(50);
  await expect
    .poll(async () => figure(cpu, /peak ([\d.]+) %/), { timeout: 90_000, message: "the CPU chart's peak under load" })
    .toBeGreaterThan(Math.max(5, cpuBefore));
  await expect.poll(async () => figure(requests, /2xx (\d+)/), { timeout: 90_000, message: "2xx requests on the chart" }).toBeGreaterThanOrEqual(okBefore + 50);
  await expect.poll(async () => figure(requests, /4xx (\d+)/), { timeout: 30_000, message: "4xx requests on the chart" }).toBeGreaterThan(0);
  await expect(page.getByTestId("chart-cpu").locator("svg path.recharts-curve")).toHaveCount(1);
  await expect(page.getByTestId("chart-latency-summary")).toContainText("p95");

  // The README's screenshot: the search on the crash's line and the charts under load.
  await page.getByTestId("log-view").scrollIntoViewIfNeeded();
  const boxes = await Promise.all([page.getByTestId("log-view").boundingBox(), page.getByTestId("app-metrics").boundingBox()]);
  const [a, b] = boxes;
  if (a && b) {
    const scrollY = await page.evaluate(() => window.scrollY);
    const top = Math.min(a.y, b.y) + scrollY - 8;
    const bottom = Math.max(a.y + a.height, b.y + b.height) + scrollY + 8;
    await page.screenshot({ path: "test-results/e2e/logs-metrics.png", fullPage: true, clip: { x: Math.min(a.x, b.x) - 8, y: top, width: Math.max(a.width, b.width) + 16, height: bottom - top } });
  }
  await expectNoSeriousAxeViolations(page, { name: "the app page's metrics", include: '[data-testid="app-metrics"]' });

  // The team page: usage over time against the quota, and the log retention within the platform's maximum.
  await page.getByRole("link", { name: "Team", exact: true }).click();
  await expect(page.getByTestId("team-usage")).toBeVisible();
  await expect(page.getByTestId("usage-apps-summary")).toContainText(/Now 1 of \d+|No sample/);
  const retention = page.getByTestId("log-retention");
  await expect(retention.getByTestId("log-usage")).toContainText("Kept now:");
  await retention.getByLabel("Keep for (days)").fill("400");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await expect(retention.getByTestId("log-retention-days-error")).toBeVisible();
  await retention.getByLabel("Keep for (days)").fill("3");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await expect(retention.getByText("Saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("log-retention").getByLabel("Keep for (days)")).toHaveValue("3");
  await expectNoSeriousAxeViolations(page, { name: "the team page with usage and log retention" });
});
