// Browser journeys against the real platform (e2e/support/platform.ts boots web + slipwayd per
// worker). Debian's Chromium, never a downloaded browser: `playwright install` cannot reach its CDN.
import { defineConfig } from "@playwright/test";

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  testIgnore: ["cluster/**", "support/**"],
  outputDir: "test-results/e2e",
  // One platform, one Podman, two cores: journeys run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 240_000,
  globalTimeout: 40 * 60_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: process.env.SLIPWAY_CHROMIUM ?? "/usr/bin/chromium", args: chromiumArgs },
    actionTimeout: 20_000,
    navigationTimeout: 60_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
  },
});
