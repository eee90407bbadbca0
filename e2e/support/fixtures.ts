// Playwright fixtures for the journeys:
//
//   import { test, expect } from "./support/fixtures";
//   test("deploys an app", async ({ page, platform }) => { await page.goto("/"); … });
//
// `platform` is worker-scoped: one real platform (web + slipwayd + fresh SQLite) per worker, shared
// by the spec files that worker runs (workers: 1, so the whole run), and `baseURL` points at it.
// The first account must sign up through `platform.setupLink()` (the link `npm start` prints) and
// becomes platform admin; later sign-ups follow the sign-up policy (open by default). Specs use
// their own e-mail addresses and must not assume an empty database. A spec that needs a platform of its own (e.g. to be the
// first user, or to kill the daemon) uses `bareTest` (no shared platform is started: `test`'s
// `baseURL` would boot one for nothing), calls `startPlatform()` in beforeAll, stops it in
// afterAll, and navigates with absolute URLs (`platform.webUrl + "/…"`).
import { test as base, expect } from "@playwright/test";
import { startPlatform, type Platform } from "./platform";

export interface PlatformWorkerFixtures {
  platform: Platform;
}

const withPlatform = base.extend<object, PlatformWorkerFixtures>({
  platform: [
    async ({}, use) => {
      const platform = await startPlatform();
      try {
        await use(platform);
      } finally {
        await platform.stop();
      }
    },
    { scope: "worker", timeout: 300_000 },
  ],
});

// `baseURL` points at this worker's platform, so page.goto("/") and request.get("/api/v1/…") reach it.
export const test = withPlatform.extend({
  baseURL: async ({ platform }, use) => {
    await use(platform.webUrl);
  },
});

/** Playwright's own `test` (Chromium settings from playwright.config.ts), for specs with their own platform. */
export const bareTest = base;

export { expect, startPlatform };
export type { Platform };
