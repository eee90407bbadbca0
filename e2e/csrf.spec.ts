// CSRF in Chromium, the way: a signed-in user visits a page served by a tenant's app on
// the ingress, and that page tries to change things on the dashboard with the user's cookie — a
// JSON fetch, text/plain and form-encoded fetches, a DELETE, a sign-out, an auto-submitting form,
// and framing the dashboard. Everything is refused and nothing changes.
//
// The dashboard and the apps share one site here (dash.slipway.localhost and
// *.slipway.localhost), as dash.example.com and *.apps.example.com do in production, so the
// browser does send the session cookie along (SameSite=Lax does not stop same-site requests):
// the refusals come from Slipway's checks, not from the cookie staying home.
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { signUpInBrowser } from "./support/journey-steps";
import { createFixtureRepo, fixtureDockerfile, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage } from "../tests/support/test-images";
import { ingressGet } from "../tests/support/net";

test.describe.configure({ mode: "serial" });

const DOMAIN = "slipway.localhost";
const MARKER = "slipway-csrf-probe";
const slugs = { app: "evil", project: "tenant", team: "default" };

let platform: Platform;
let repo: FixtureRepo;

/** The tenant's page: fires every cross-site attempt at the dashboard and writes what it saw. */
function attackPage(dash: string): string {
  return `<!doctype html><html><head><title>${MARKER}</title></head><body>
<h1>${MARKER}</h1>
<pre id="results"></pre>
<iframe id="frame" src="${dash}/" width="400" height="200"></iframe>
<script>
const dash = ${JSON.stringify(dash)};
const results = {};
async function attempt(name, url, init) {
  try {
    const res = await fetch(dash + url, Object.assign({ credentials: "include" }, init));
    results[name] = "answered " + res.status + " " + res.type;
  } catch (e) {
    results[name] = "failed: " + e.message;
  }
}
(async () => {
  await attempt("json", "/api/v1/projects", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ slug: "pwned-json" }) });
  await attempt("text-cors", "/api/v1/projects", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ slug: "pwned-text" }) });
  await attempt("text-no-cors", "/api/v1/projects", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ slug: "pwned-text-2" }) });
  await attempt("form-no-cors", "/api/v1/projects", { method: "POST", mode: "no-cors", body: new URLSearchParams({ slug: "pwned-form-fetch" }) });
  await attempt("delete", "/api/v1/projects/" + new URLSearchParams(location.search).get("project"), { method: "DELETE" });
  await attempt("sign-out", "/api/auth/sign-out", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "{}" });
  document.getElementById("results").textContent = JSON.stringify(results);
  document.body.dataset.done = "1";
})();
</script></body></html>
`;
}

/** A second page whose form posts itself to the dashboard's API as soon as it loads. */
function formPage(dash: string): string {
  // enctype text/plain makes the body `{"slug":"pwned-form","x":"="}`: valid JSON, the classic trick.
  return `<!doctype html><html><body>
<form id="f" method="POST" action="${dash}/api/v1/projects" enctype="text/plain">
<input type="hidden" name='{"slug":"pwned-form","x":"' value='"}'>
</form>
<script>document.getElementById("f").submit();</script>
</body></html>
`;
}

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await ensureTestBaseImage();
  platform = await startPlatform({ webHost: `dash.${DOMAIN}`, env: { SLIPWAY_INGRESS_DOMAIN: DOMAIN } });
  repo = await createFixtureRepo();
  await repo.commitFiles(
    {
      Dockerfile: fixtureDockerfile("csrf").replace("COPY index.html /www/index.html", "COPY index.html form.html /www/"),
      "index.html": attackPage(platform.webUrl),
      "form.html": formPage(platform.webUrl),
    },
    "a page that attacks the dashboard",
  );
});

test.afterAll(async () => {
  await platform?.stop();
});

test("a tenant app's page cannot make a signed-in visitor's browser change anything on the dashboard", async ({ page, context }) => {
  test.setTimeout(600_000);
  const web = platform.webUrl;
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|CSP violation/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });

  // The victim signs up and is signed in; the dashboard renders and hydrates under its CSP.
  await signUpInBrowser(page, platform.setupLink(), { name: "Victor", email: "victor@example.test" });
  const dashboard = await page.goto(`${web}/`);
  const csp = dashboard?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(dashboard?.headers()["x-frame-options"]).toBe("DENY");

  // The dashboard's own calls, made from its page (its origin, its cookie, JSON): they work.
  // (Node cannot resolve *.localhost names; Chromium resolves them to loopback.)
  const api = (method: string, url: string, data?: unknown) =>
    page.evaluate(
      async ([method, url, body]) => {
        const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body });
        return { status: res.status, json: (await res.json().catch(() => null)) as unknown };
      },
      [method, url, data === undefined ? undefined : JSON.stringify(data)] as const,
    );
  // The tenant's app, deployed through the platform (here by the same user, for brevity: the
  // page could be anyone's app on the same ingress).
  expect((await api("PUT", "/api/v1/platform/settings", { allowLocalGitSources: true })).status).toBe(200);
  const project = await api("POST", "/api/v1/projects", { slug: slugs.project });
  expect(project.status).toBe(201);
  const projectId = (project.json as { id: string }).id;
  const app = await api("POST", `/api/v1/projects/${projectId}/apps`, { slug: slugs.app, gitUrl: repo.fileUrl });
  expect(app.status).toBe(201);
  const appId = (app.json as { id: string }).id;
  expect((await api("POST", `/api/v1/apps/${appId}/deploy`)).status).toBe(202);
  const appUrl = platform.appUrl(slugs);
  const host = new URL(appUrl).hostname;
  await expect
    .poll(async () => (await ingressGet(platform.ingressPort, host).catch(() => ({ status: 0, body: "" }))).body.includes(MARKER), { timeout: 300_000, intervals: [2_000] })
    .toBe(true);

  const projectsBefore = ((await api("GET", "/api/v1/projects")).json as { slug: string }[]).map((p) => p.slug).sort();

  // The visitor opens the tenant's page in the same browser.
  const site = await context.newPage();
  await site.goto(`${appUrl}?project=${projectId}`);
  await expect(site.locator("body")).toHaveAttribute("data-done", "1", { timeout: 30_000 });
  const results = JSON.parse((await site.locator("#results").textContent()) ?? "{}") as Record<string, string>;
  test.info().annotations.push({ type: "tenant page saw", description: JSON.stringify(results) });
  // Readable answers need CORS, which the dashboard never grants: the page learns nothing either.
  for (const name of ["json", "text-cors", "delete"]) expect(results[name], name).toMatch(/^failed/);
  for (const name of ["text-no-cors", "form-no-cors", "sign-out"]) expect(results[name], name).not.toMatch(/^answered [1-9]/);
  // The dashboard refuses to be framed by it.
  const frame = site.frames().find((f) => f !== site.mainFrame());
  expect(await frame?.locator("text=Projects").count().catch(() => 0)).toBe(0);

  // The auto-submitting form: the browser navigates to the dashboard's answer. It is the CSRF
  // refusal (403, reason csrf), which also proves the session cookie was sent along.
  const formAnswer = site.waitForResponse((r) => r.url() === `${web}/api/v1/projects` && r.request().method() === "POST");
  await site.goto(`${platform.appUrl(slugs, "/form.html")}`);
  const answer = await formAnswer;
  expect(answer.status()).toBe(403);
  const body = (await answer.json()) as { error: { code: string; details?: { reason?: string } } };
  expect(body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "csrf" } });

  // Nothing changed: no project made or deleted, and the visitor is still signed in.
  const after = await api("GET", "/api/v1/projects");
  expect(after.status).toBe(200);
  const projectsAfter = (after.json as { slug: string }[]).map((p) => p.slug).sort();
  expect(projectsAfter).toEqual(projectsBefore);
  expect(projectsAfter.some((slug) => slug.startsWith("pwned"))).toBe(false);
  await page.goto(`${web}/`);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  // Every dashboard page renders under the CSP without a report (the visitor is the platform admin,
  // so the admin-only pages render too).
  for (const [path, heading] of [["/team", /^Team /], ["/audit", "Audit log"], ["/clusters", "Clusters"], ["/platform", "Platform"]] as const) {
    await page.goto(`${web}${path}`);
    await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
  }
  expect(violations, "CSP violations on the dashboard").toEqual([]);
});
