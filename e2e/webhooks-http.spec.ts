// Deploy on push over HTTP, against the running web server, the way git hosts and attackers call
// it: no browser, no route handler called directly. One platform for most of the file. Its daemon
// starts late on purpose: until then every queued build stays queued, so what the intake decided
// (queued, coalesced, ignored, refused) is what the tests see; then the daemon runs the few real
// builds (the exact pushed SHA served, cancel of a running build, the team build timeout).
// Fair scheduling between two teams has a platform of its own (all its builds queued before its
// daemon starts), and the 100-duplicates test runs once more on a platform on PostgreSQL.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { apiClient, signUpOverHttp, type ApiClient, type SignedInUser } from "./support/http-api";
import { githubPing, hmacHex, pushHook, sendHook, sign, PROVIDERS, ZERO_SHA, type Hook, type Provider } from "./support/webhook-sender";
import { createFixtureRepo, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { ingressGet } from "../tests/support/net";
import { getTestPostgresUrl, withAdminClient, withDatabase } from "../tests/support/postgres";

// Room for the tests' own API calls and the 100 concurrent deliveries (both limits are per minute);
// two build workers (the default of `npm start`), so that teams share them and an app's second
// build has a free worker it must not take while the first runs.
const PLATFORM_ENV = { SLIPWAY_API_MUTATIONS_PER_MINUTE: "100000", SLIPWAY_WEBHOOKS_PER_MINUTE: "100000", SLIPWAY_BUILD_WORKERS: "2" };

interface HookedApp {
  id: string;
  slug: string;
  url: string;
  secret: string;
}

let platform: Platform;
let repo: FixtureRepo;
/** main: v1 → v2 → v3 (head). Pushes name v2 so that "built the pushed SHA, not the head" shows. */
const sha = { v1: "", v2: "", v3: "" };
let slowRepo: FixtureRepo;
let slowSha = "";
let slowStep = "";
let timeoutRepo: FixtureRepo;
let timeoutSha = "";
let timeoutStep = "";
let admin: SignedInUser;
let owner: ApiClient;
let viewer: ApiClient;
let strangerApi: ApiClient;
let projectId = "";
let daemonStarted = false;

/** Starts slipwayd the first time a test needs builds to run (tests before it see queued builds stay queued). */
async function ensureDaemon(): Promise<void> {
  if (daemonStarted) return;
  await platform.startDaemon();
  daemonStarted = true;
}
const apps = new Map<string, HookedApp>();

/**
 * A Dockerfile whose RUN step sleeps for long enough, for a number of seconds no other process on
 * the machine sleeps (so that pgrep finds this run's step and nothing else); returns it and the
 * pgrep pattern of its step.
 */
function sleepingDockerfile(): { dockerfile: string; step: string } {
  const seconds = 100_000 + Math.floor(Math.random() * 900_000);
  return {
    dockerfile: [`FROM ${TEST_BASE_IMAGE}`, `RUN sleep ${seconds}`, `CMD ["sh", "-c", "sleep 3600"]`, ""].join("\n"),
    step: `^sleep ${seconds}$`,
  };
}

function pgrep(pattern: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", pattern], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function createHookedApp(api: ApiClient, project: string, slug: string, gitUrl: string, branch = "main"): Promise<HookedApp> {
  const app = await api.ok("POST", `/api/v1/projects/${project}/apps`, { slug, gitUrl, gitBranch: branch, containerPort: 8080, cpuMillicores: 100, memoryMib: 64 });
  const on = await api.patch(`/api/v1/apps/${app.id}/webhook`, { deployOnPush: true });
  expect(on.status, on.text).toBe(200);
  expect(on.json.deployOnPush).toBe(true);
  expect(on.json.secret, "the first enable shows the secret once").toMatch(/\S{20,}/);
  const hooked = { id: app.id as string, slug, url: on.json.url as string, secret: on.json.secret as string };
  // Shown once: a second read has no secret.
  const again = await api.get(`/api/v1/apps/${app.id}/webhook`);
  expect(again.json.hasSecret).toBe(true);
  expect(again.text).not.toContain(hooked.secret);
  apps.set(slug, hooked);
  return hooked;
}

async function builds(api: ApiClient, appId: string) {
  const res = await api.get(`/api/v1/apps/${appId}/builds`);
  expect(res.status, res.text).toBe(200);
  return res.json as { id: string; number: number; status: string; gitRef: string; commitSha: string | null; trigger: string; commitMessage?: string; deliveryId?: string; error: string | null }[];
}

async function deliveries(api: ApiClient, appId: string) {
  const res = await api.get(`/api/v1/apps/${appId}/deliveries?limit=100`);
  expect(res.status, res.text).toBe(200);
  return res.json.items as { id: string; provider: string; event: string; deliveryId: string; outcome: string; reason: string; statusCode: number; commitSha: string; buildNumber: number | null; redeliveryOfId: string | null; branch: string }[];
}

async function waitForBuild(api: ApiClient, buildId: string, done: (b: { status: string }) => boolean, timeoutMs: number) {
  let last: { status: string } | undefined;
  await expect
    .poll(
      async () => {
        const res = await api.get(`/api/v1/builds/${buildId}`);
        last = res.json;
        return done(res.json);
      },
      { timeout: timeoutMs, intervals: [250, 500, 1000] },
    )
    .toBe(true);
  return last as { id: string; status: string; commitSha: string | null; error: string | null; number: number };
}

function push(provider: Provider, app: HookedApp, after: string, extra: { ref?: string; message?: string; before?: string } = {}): Hook {
  return sign(pushHook(provider, { ref: extra.ref ?? "refs/heads/main", before: extra.before ?? sha.v1, after, message: extra.message ?? `deploy ${after.slice(0, 7)} from ${provider}` }), app.secret);
}

interface Tenants {
  admin: SignedInUser;
  /** team "default" (the platform admin's): an owner token and a viewer token */
  owner: ApiClient;
  viewer: ApiClient;
  /** another team's owner token */
  strangerApi: ApiClient;
  /** a project of team "default" */
  projectId: string;
}

/** Two teams over HTTP: the platform admin's (with local git sources allowed) and a stranger's. */
async function setUpTenants(p: Platform): Promise<Tenants> {
  const admin = await signUpOverHttp(p, { email: "ada@example.test", name: "Ada", setup: true });
  const allowed = await admin.api.put("/api/v1/platform/settings", { allowLocalGitSources: true });
  expect(allowed.status, allowed.text).toBe(200);
  const owner = apiClient(p, { token: await admin.createToken("ci-owner", "OWNER") });
  const viewer = apiClient(p, { token: await admin.createToken("dashboard-viewer", "VIEWER") });
  const stranger = await signUpOverHttp(p, { email: "mallory@example.test", name: "Mallory" });
  const strangerApi = apiClient(p, { token: await stranger.createToken("mallory-ci", "OWNER") });
  const projectId = (await owner.ok("POST", "/api/v1/projects", { slug: "hooks" })).id as string;
  return { admin, owner, viewer, strangerApi, projectId };
}

async function expectOneBuildFrom100Duplicates(api: ApiClient, app: HookedApp): Promise<void> {
  const hook = push("github", app, sha.v2);
  const answers = await Promise.all(Array.from({ length: 100 }, () => sendHook(app.url, hook)));
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 202).length, `statuses: ${JSON.stringify(statuses)}`).toBe(1);
  expect(statuses.filter((s) => s !== 202 && s !== 200), `statuses: ${JSON.stringify(statuses)}`).toEqual([]);
  const list = await builds(api, app.id);
  expect(list.length).toBe(1);
  expect(list[0]!.commitSha ?? list[0]!.gitRef).toBe(sha.v2);
  const stored = await deliveries(api, app.id);
  expect(stored.filter((d) => d.deliveryId === hook.deliveryId).length).toBe(1);
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  sha.v1 = await repo.head();
  sha.v2 = await repo.commitVersion("v2");
  sha.v3 = await repo.commitVersion("v3");
  slowRepo = await createFixtureRepo({ version: "s1" });
  const slow = sleepingDockerfile();
  slowStep = slow.step;
  slowSha = await slowRepo.commitFiles({ Dockerfile: slow.dockerfile }, "a build that takes days");
  timeoutRepo = await createFixtureRepo({ version: "t1" });
  const sleepy = sleepingDockerfile();
  timeoutStep = sleepy.step;
  timeoutSha = await timeoutRepo.commitFiles({ Dockerfile: sleepy.dockerfile }, "a build that outlives the team's time limit");
});

test.describe("deploy on push over HTTP, one platform", () => {
  test.describe.configure({ mode: "serial" });

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    platform = await startPlatform({ daemon: false, env: PLATFORM_ENV });
    ({ admin, owner, viewer, strangerApi, projectId } = await setUpTenants(platform));
  });

  test.afterAll(async () => {
    await platform?.stop();
    // A failed run must not leave its sleeping RUN steps behind (the patterns are this run's own).
    for (const step of [slowStep, timeoutStep].filter(Boolean)) {
      for (const line of pgrep(step)) process.kill(Number(line.split(" ")[0]), "SIGKILL");
    }
  });

  test("a signed push from each provider queues a build of exactly the pushed commit; tags and deletions are ignored", async () => {
    for (const provider of PROVIDERS) {
      await test.step(provider, async () => {
        const app = await createHookedApp(owner, projectId, `p-${provider}`, repo.dir);
        const hook = push(provider, app, sha.v2, { message: `ship v2 via ${provider}` });
        const res = await sendHook(app.url, hook);
        expect(res.status, res.text).toBe(202);
        expect(res.json.delivery.outcome).toBe("queued");
        expect(res.json.build.number).toBe(1);

        const [build, ...older] = await builds(owner, app.id);
        expect(older).toEqual([]);
        expect(build!.id).toBe(res.json.build.id);
        expect(build!.status).toBe("QUEUED");
        expect(build!.trigger).toBe("push");
        // The pushed commit, not the branch (whose head is v3 by the time the build runs).
        expect(build!.commitSha ?? build!.gitRef).toBe(sha.v2);
        expect(build!.commitMessage).toContain(`ship v2 via ${provider}`);
        expect(build!.deliveryId).toBe(hook.deliveryId);

        const [delivery] = await deliveries(owner, app.id);
        expect(delivery).toMatchObject({ provider, deliveryId: hook.deliveryId, outcome: "queued", statusCode: 202, commitSha: sha.v2, buildNumber: 1, branch: "main" });

        // A tag push: recorded as ignored, with the reason; no build.
        const tag = await sendHook(app.url, push(provider, app, sha.v3, { ref: "refs/tags/v3", before: ZERO_SHA }));
        expect(tag.status, tag.text).toBe(200);
        expect(tag.json.delivery.outcome).toBe("ignored");
        expect(tag.json.delivery.reason).toMatch(/tag/i);
        // A branch deletion (`after` all zeros) likewise. The generic hook has no deletion.
        if (provider !== "generic") {
          const del = await sendHook(app.url, push(provider, app, ZERO_SHA, { ref: "refs/heads/main", before: sha.v3 }));
          expect(del.status, del.text).toBe(200);
          expect(del.json.delivery.outcome).toBe("ignored");
          expect(del.json.delivery.reason).toMatch(/delet/i);
        }
        // A wrong secret and no signature at all: refused, nothing stored.
        const forged = await sendHook(app.url, sign(pushHook(provider, { ref: "refs/heads/main", after: sha.v3 }), "not-the-secret"));
        expect(forged.status, forged.text).toBe(401);
        const unsigned = await sendHook(app.url, sign(pushHook(provider, { ref: "refs/heads/main", after: sha.v3 }), null));
        expect(unsigned.status, unsigned.text).toBe(401);

        expect((await builds(owner, app.id)).length).toBe(1);
        const recorded = await deliveries(owner, app.id);
        expect(recorded.map((d) => d.outcome).sort()).toEqual(provider === "generic" ? ["ignored", "queued"] : ["ignored", "ignored", "queued"]);
        const settings = await owner.ok("GET", `/api/v1/apps/${app.id}/webhook`);
        expect(settings.rejectedCount).toBe(2);
        expect(settings.lastRejectReason).not.toBe("");
      });
    }
  });

  test("GitHub: re-serialised, truncated and SHA-1-only signatures are refused; ping answers 200 without a build", async () => {
    const app = apps.get("p-github")!;
    const before = await owner.ok("GET", `/api/v1/apps/${app.id}/webhook`);
    const original = push("github", app, sha.v3);

    // The signature of the original bytes, on a body that says the same thing with other bytes.
    const reserialised = JSON.stringify(JSON.parse(original.body), null, 2);
    expect((await sendHook(app.url, original, reserialised)).status).toBe(401);
    const keysReordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(original.body)).reverse()));
    expect((await sendHook(app.url, original, keysReordered)).status).toBe(401);
    // A signature cut short (a prefix of the right one).
    const truncated = { ...original, headers: { ...original.headers, "x-hub-signature-256": original.headers["x-hub-signature-256"]!.slice(0, 40) } };
    expect((await sendHook(app.url, truncated)).status).toBe(401);
    // Only the legacy SHA-1 header, correctly computed.
    const { "x-hub-signature-256": _sha256, ...withoutSha256 } = original.headers;
    const sha1Only = { ...original, headers: { ...withoutSha256, "x-hub-signature": `sha1=${hmacHex(app.secret, original.body, "sha1")}` } };
    expect((await sendHook(app.url, sha1Only)).status).toBe(401);
    // The right signature with the wrong algorithm's prefix.
    const wrongPrefix = { ...original, headers: { ...original.headers, "x-hub-signature-256": `sha1=${hmacHex(app.secret, original.body)}` } };
    expect((await sendHook(app.url, wrongPrefix)).status).toBe(401);

    const after = await owner.ok("GET", `/api/v1/apps/${app.id}/webhook`);
    expect(after.rejectedCount).toBe(before.rejectedCount + 5);
    const stored = await deliveries(owner, app.id);
    expect(stored.map((d) => d.deliveryId)).not.toContain(original.deliveryId);
    expect((await builds(owner, app.id)).length).toBe(1);

    // The untampered request is fine (it joins the queued build: the daemon is not running yet).
    const ok = await sendHook(app.url, original);
    expect(ok.status, ok.text).toBe(202);

    const ping = await sendHook(app.url, sign(githubPing(), app.secret));
    expect(ping.status, ping.text).toBe(200);
    expect((await builds(owner, app.id)).length).toBe(1);
    const [pinged] = await deliveries(owner, app.id);
    expect(pinged).toMatchObject({ provider: "github", statusCode: 200 });
  });

  test("branch filter: the app's branch by default, then a glob; other branches are recorded as ignored", async () => {
    const app = apps.get("p-gitlab")!;
    const other = await sendHook(app.url, push("gitlab", app, sha.v3, { ref: "refs/heads/feature/x" }));
    expect(other.status, other.text).toBe(200);
    expect(other.json.delivery.outcome).toBe("ignored");
    expect(other.json.delivery.reason).toMatch(/branch|filter/i);

    const set = await owner.patch(`/api/v1/apps/${app.id}/webhook`, { branchFilter: "release/*" });
    expect(set.status, set.text).toBe(200);
    expect(set.json.effectiveBranchFilter).toBe("release/*");
    expect(set.json.secret).toBeUndefined();
    const release = await sendHook(app.url, push("gitlab", app, sha.v3, { ref: "refs/heads/release/1.2" }));
    expect(release.status, release.text).toBe(202);
    const main = await sendHook(app.url, push("gitlab", app, sha.v3, { ref: "refs/heads/main" }));
    expect(main.status, main.text).toBe(200);
    expect(main.json.delivery.outcome).toBe("ignored");
    // An invalid filter is refused with the rule it breaks.
    const bad = await owner.patch(`/api/v1/apps/${app.id}/webhook`, { branchFilter: "refs/heads/main" });
    expect(bad.status).toBe(422);

    // Deploy on push turned off: deliveries are answered 200 and recorded as ignored.
    const off = await owner.patch(`/api/v1/apps/${app.id}/webhook`, { deployOnPush: false });
    expect(off.status, off.text).toBe(200);
    const whileOff = await sendHook(app.url, push("gitlab", app, sha.v3, { ref: "refs/heads/release/1.3" }));
    expect(whileOff.status, whileOff.text).toBe(200);
    expect(whileOff.json.delivery.outcome).toBe("ignored");
    expect((await builds(owner, app.id)).length).toBe(1);
  });

  test("a payload over 1 MiB is refused with 413 and not stored; an unknown app is 404", async () => {
    const app = apps.get("p-generic")!;
    const big = sign(
      { provider: "generic", event: "push", deliveryId: `big-${Date.now()}`, headers: {}, body: JSON.stringify({ ref: "refs/heads/main", sha: sha.v3, message: "x".repeat(1024 * 1024 + 10) }) },
      app.secret,
    );
    const res = await sendHook(app.url, big);
    expect(res.status, res.text).toBe(413);
    expect((await deliveries(owner, app.id)).map((d) => d.deliveryId)).not.toContain(big.deliveryId);

    const unknown = await sendHook(app.url.replace(app.id, "c0ffee0000000000000000000"), push("generic", app, sha.v3));
    expect(unknown.status, unknown.text).toBe(404);
  });

  test("100 concurrent copies of one delivery give exactly one build (SQLite)", async () => {
    test.setTimeout(120_000);
    const app = await createHookedApp(owner, projectId, "dups", repo.dir);
    await expectOneBuildFrom100Duplicates(owner, app);
  });

  test("pushes while a build is queued coalesce into one build of the newest commit; redeliver re-sends the stored payload", async () => {
    const app = await createHookedApp(owner, projectId, "coalesce", repo.dir);
    const first = await sendHook(app.url, push("gitea", app, sha.v1, { message: "first" }));
    expect(first.status, first.text).toBe(202);
    const second = await sendHook(app.url, push("forgejo", app, sha.v2, { message: "second" }));
    expect(second.status, second.text).toBe(202);
    const third = await sendHook(app.url, push("bitbucket", app, sha.v3, { message: "third" }));
    expect(third.status, third.text).toBe(202);
    expect([first.json.build.id, second.json.build.id]).toEqual([third.json.build.id, third.json.build.id]);
    expect([first.json.delivery.outcome, second.json.delivery.outcome, third.json.delivery.outcome]).toEqual(["queued", "coalesced", "coalesced"]);

    const list = await builds(owner, app.id);
    expect(list.length).toBe(1);
    expect(list[0]!.commitSha ?? list[0]!.gitRef).toBe(sha.v3);
    expect(list[0]!.commitMessage).toContain("third");
    const stored = await deliveries(owner, app.id);
    expect(stored.map((d) => [d.provider, d.outcome, d.buildNumber])).toEqual([
      ["bitbucket", "coalesced", 1],
      ["forgejo", "coalesced", 1],
      ["gitea", "queued", 1],
    ]);

    // Redeliver the newest from the stored payload: a new row that names the original.
    const original = stored[0]!;
    const again = await owner.post(`/api/v1/apps/${app.id}/deliveries/${original.id}/redeliver`);
    expect([200, 202], again.text).toContain(again.status);
    const afterRedeliver = await deliveries(owner, app.id);
    expect(afterRedeliver.length).toBe(4);
    expect(afterRedeliver[0]).toMatchObject({ redeliveryOfId: original.id, commitSha: sha.v3, provider: "bitbucket" });
    expect((await builds(owner, app.id)).length).toBe(1);
    const detail = await owner.ok("GET", `/api/v1/apps/${app.id}/deliveries/${original.id}`);
    expect(JSON.parse(detail.payload).push.changes[0].new.target.hash).toBe(sha.v3);

    // A redelivered ping is a ping again: 200, no build.
    const gh = apps.get("p-github")!;
    const ping = (await deliveries(owner, gh.id)).find((d) => d.event === "ping");
    expect(ping, "the ping's delivery row").toBeTruthy();
    const rePing = await owner.post(`/api/v1/apps/${gh.id}/deliveries/${ping!.id}/redeliver`);
    expect(rePing.status, rePing.text).toBe(200);
    expect((await builds(owner, gh.id)).length).toBe(1);
  });

  test("a rotated secret: the new one works at once, the old one for the grace period", async () => {
    const app = apps.get("p-gitea")!;
    const rotated = await owner.post(`/api/v1/apps/${app.id}/webhook/secret`);
    expect(rotated.status, rotated.text).toBe(201);
    const fresh = rotated.json.secret as string;
    expect(fresh).not.toBe(app.secret);
    const graceEnds = Date.parse(rotated.json.settings.previousSecretExpiresAt);
    expect(graceEnds - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await sendHook(app.url, sign(pushHook("gitea", { ref: "refs/heads/main", after: sha.v3 }), fresh))).status).toBe(202);
    expect((await sendHook(app.url, sign(pushHook("gitea", { ref: "refs/heads/main", after: sha.v3 }), app.secret))).status).toBe(202);
    expect((await sendHook(app.url, sign(pushHook("gitea", { ref: "refs/heads/main", after: sha.v3 }), "guess"))).status).toBe(401);
    app.secret = fresh;
  });

  test("another team's token gets 404 on this team's webhook settings, deliveries and builds", async () => {
    const app = apps.get("p-github")!;
    const [delivery] = await deliveries(owner, app.id);
    const [build] = await builds(owner, app.id);
    const probes: [string, string, unknown?][] = [
      ["GET", `/api/v1/apps/${app.id}/webhook`],
      ["PATCH", `/api/v1/apps/${app.id}/webhook`, { deployOnPush: false }],
      ["POST", `/api/v1/apps/${app.id}/webhook/secret`, {}],
      ["GET", `/api/v1/apps/${app.id}/deliveries`],
      ["GET", `/api/v1/apps/${app.id}/deliveries/${delivery!.id}`],
      ["POST", `/api/v1/apps/${app.id}/deliveries/${delivery!.id}/redeliver`, {}],
      ["GET", `/api/v1/apps/${app.id}/builds`],
      ["GET", `/api/v1/builds/${build!.id}`],
      ["POST", `/api/v1/builds/${build!.id}/cancel`, {}],
    ];
    for (const [method, pathname, body] of probes) {
      const res = await strangerApi.request(method, pathname, body);
      expect(res.status, `${method} ${pathname}: ${res.text}`).toBe(404);
      expect(res.text).not.toContain(app.secret);
    }
    // Nothing changed on the way.
    const settings = await owner.ok("GET", `/api/v1/apps/${app.id}/webhook`);
    expect(settings.deployOnPush).toBe(true);
    expect((await builds(owner, app.id))[0]!.status).toBe("QUEUED");
  });

  test("a viewer reads deliveries but may not rotate the secret, change the switch, redeliver or cancel", async () => {
    const app = apps.get("p-github")!;
    const list = await viewer.get(`/api/v1/apps/${app.id}/deliveries`);
    expect(list.status, list.text).toBe(200);
    expect(list.json.items.length).toBeGreaterThan(0);
    const id = list.json.items[0].id as string;
    expect((await viewer.get(`/api/v1/apps/${app.id}/deliveries/${id}`)).status).toBe(200);
    const settings = await viewer.get(`/api/v1/apps/${app.id}/webhook`);
    expect(settings.status).toBe(200);
    expect(settings.json.secret).toBeUndefined();
    expect(settings.json.can).toEqual({ write: false, deploy: false });
    const [build] = await builds(viewer, app.id);
    for (const [method, pathname, body] of [
      ["POST", `/api/v1/apps/${app.id}/webhook/secret`, {}],
      ["PATCH", `/api/v1/apps/${app.id}/webhook`, { deployOnPush: false }],
      ["POST", `/api/v1/apps/${app.id}/deliveries/${id}/redeliver`, {}],
      ["POST", `/api/v1/builds/${build!.id}/cancel`, {}],
    ] as const) {
      const res = await viewer.request(method, pathname, body);
      expect(res.status, `${method} ${pathname}: ${res.text}`).toBe(403);
    }
    expect((await deliveries(owner, app.id)).length).toBe(list.json.items.length);
  });

  test("queued builds are cancelled", async () => {
    for (const app of apps.values()) {
      for (const build of await builds(owner, app.id)) {
        if (build.status !== "QUEUED") continue;
        const res = await owner.post(`/api/v1/builds/${build.id}/cancel`);
        expect(res.status, res.text).toBe(200);
        expect(res.json.status).toBe("CANCELED");
      }
    }
    // Cancelling it again changes nothing.
    const [canceled] = await builds(owner, apps.get("p-github")!.id);
    const again = await owner.post(`/api/v1/builds/${canceled!.id}/cancel`);
    expect([200, 409], again.text).toContain(again.status);
    expect((await owner.ok("GET", `/api/v1/builds/${canceled!.id}`)).status).toBe("CANCELED");
  });

  test("with the daemon running, the build is of the pushed SHA (not the branch head) and that version is served", async () => {
    test.setTimeout(240_000);
    await ensureDaemon();
    const app = await createHookedApp(owner, projectId, "exact", repo.dir);
    const res = await sendHook(app.url, push("github", app, sha.v2, { message: "ship v2" }));
    expect(res.status, res.text).toBe(202);
    const build = await waitForBuild(owner, res.json.build.id, (b) => !["QUEUED", "RUNNING"].includes(b.status), 180_000);
    expect(build.status, `${build.error ?? ""}\n${platform.logs("daemon", 40)}`).toBe("SUCCEEDED");
    expect(build.commitSha).toBe(sha.v2);
    const host = new URL(platform.appUrl({ app: "exact", project: "hooks", team: "default" })).hostname;
    await expect.poll(async () => (await ingressGet(platform.ingressPort, host).catch(() => ({ body: "" }))).body, { timeout: 90_000 }).toContain("version v2");
  });

  test("a push during a build queues one more; cancelling the running build stops its podman build process", async () => {
    test.setTimeout(240_000);
    await ensureDaemon();
    const app = await createHookedApp(owner, projectId, "slow", slowRepo.dir);
    const first = await sendHook(app.url, push("github", app, slowSha, { message: "slow" }));
    expect(first.status, first.text).toBe(202);
    const running = await waitForBuild(owner, first.json.build.id, (b) => b.status !== "QUEUED", 90_000);
    expect(running.status).toBe("RUNNING");
    await expect.poll(() => pgrep(slowStep).length, { timeout: 90_000, message: "the RUN step's sleep" }).toBeGreaterThan(0);
    // The `podman build` process: slipwayd runs the CLI here (it runs the engine itself), and the
    // build's scratch dir on its command line names the build.
    expect(pgrep(`${running.id}.podman`).length, "the build's podman build process").toBeGreaterThan(0);

    // During the build: a second build is queued (the running one is not touched).
    const during = await sendHook(app.url, push("github", app, await slowRepo.commitVersion("s2"), { message: "during" }));
    expect(during.status, during.text).toBe(202);
    expect(during.json.delivery.outcome).toBe("queued");
    expect(during.json.build.number).toBe(2);

    const canceled = await owner.post(`/api/v1/builds/${running.id}/cancel`);
    expect(canceled.status, canceled.text).toBe(200);
    const done = await waitForBuild(owner, running.id, (b) => b.status === "CANCELED", 30_000);
    expect(done.status).toBe("CANCELED");
    await expect.poll(() => pgrep(slowStep), { timeout: 30_000, message: "the RUN step's sleep is gone" }).toEqual([]);
    await expect.poll(() => pgrep(`${running.id}.podman`), { timeout: 30_000, message: "podman build is gone" }).toEqual([]);
    const [latest] = await builds(owner, app.id);
    expect(latest!.number).toBe(2);
    // The queued one runs next (and succeeds: s2 is a plain fixture version).
    const second = await waitForBuild(owner, latest!.id, (b) => !["QUEUED", "RUNNING"].includes(b.status), 120_000);
    expect(second.status, second.error ?? "").toBe("SUCCEEDED");
  });

  test("a build that outlives the team's build timeout fails with the time limit, and its process is gone", async () => {
    test.setTimeout(180_000);
    await ensureDaemon();
    const me = await strangerApi.ok("GET", "/api/v1/me");
    const { quota } = await strangerApi.ok("GET", "/api/v1/team/quota");
    const set = await admin.api.put(`/api/v1/platform/teams/${me.team.id}/quota`, { ...quota, buildTimeoutSeconds: 10 });
    expect(set.status, set.text).toBe(200);
    const project = await strangerApi.ok("POST", "/api/v1/projects", { slug: "timed" });
    const app = await createHookedApp(strangerApi, project.id, "sleepy", timeoutRepo.dir);
    const res = await sendHook(app.url, push("github", app, timeoutSha, { message: "sleepy" }));
    expect(res.status, res.text).toBe(202);
    const started = Date.now();
    await waitForBuild(strangerApi, res.json.build.id, (b) => b.status !== "QUEUED", 60_000);
    await expect.poll(() => pgrep(timeoutStep).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const failed = await waitForBuild(strangerApi, res.json.build.id, (b) => !["QUEUED", "RUNNING"].includes(b.status), 60_000);
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/team.s build time limit of 10 ?s/);
    expect(Date.now() - started).toBeLessThan(45_000);
    await expect.poll(() => pgrep(timeoutStep), { timeout: 30_000 }).toEqual([]);
  });
});

// A platform of its own: every build must be queued before its slipwayd starts.
test.describe("fair scheduling between teams", () => {
  let fairPlatform: Platform;
  let t: Tenants;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    fairPlatform = await startPlatform({ daemon: false, env: PLATFORM_ENV });
    t = await setUpTenants(fairPlatform);
  });

  test.afterAll(async () => {
    await fairPlatform?.stop();
  });

  test("two teams' pushes share the build workers fairly: the second team's first build does not wait for the first team's queue", async () => {
    test.setTimeout(180_000);
    // Queued while slipwayd is down, first team A's three, then team B's two: oldest-first would
    // start A, A; fair scheduling gives the second worker to B (fewest running builds first).
    const teamA = await Promise.all([1, 2, 3].map((i) => createHookedApp(t.owner, t.projectId, `fair-a${i}`, repo.dir)));
    const otherProject = await t.strangerApi.ok("POST", "/api/v1/projects", { slug: "fair" });
    const teamB = await Promise.all([1, 2].map((i) => createHookedApp(t.strangerApi, otherProject.id, `fair-b${i}`, repo.dir)));
    const queued: { team: "A" | "B"; api: ApiClient; buildId: string }[] = [];
    for (const [team, api, list] of [["A", t.owner, teamA], ["B", t.strangerApi, teamB]] as const) {
      for (const app of list) {
        const res = await sendHook(app.url, push("generic", app, sha.v1));
        expect(res.status, res.text).toBe(202);
        queued.push({ team, api, buildId: res.json.build.id });
      }
    }
    await fairPlatform.startDaemon();
    const finished: { team: "A" | "B"; startedAt: number }[] = [];
    for (const q of queued) {
      const b = await waitForBuild(q.api, q.buildId, (x) => !["QUEUED", "RUNNING"].includes(x.status), 150_000);
      expect(b.status, b.error ?? "").toBe("SUCCEEDED");
      finished.push({ team: q.team, startedAt: Date.parse((b as unknown as { startedAt: string }).startedAt) });
    }
    finished.sort((x, y) => x.startedAt - y.startedAt);
    const order = finished.map((f) => f.team);
    const starts = `start order (ms after the first): ${finished.map((f) => `${f.team}+${f.startedAt - finished[0]!.startedAt}`).join(", ")}`;
    expect(order.slice(0, 2).sort(), starts).toEqual(["A", "B"]);
    expect(order.indexOf("B"), starts).toBeLessThan(order.lastIndexOf("A"));
  });
});

test("100 concurrent copies of one delivery give exactly one build (PostgreSQL)", async () => {
  test.setTimeout(240_000);
  const database = `slipway_e2e_${randomBytes(6).toString("hex")}`;
  const serverUrl = getTestPostgresUrl();
  await withAdminClient((c) => c.query(`CREATE DATABASE ${database}`));
  let pgPlatform: Platform | undefined;
  try {
    pgPlatform = await startPlatform({ daemon: false, databaseUrl: withDatabase(serverUrl, database), env: PLATFORM_ENV });
    const pgAdmin = await signUpOverHttp(pgPlatform, { email: "ada@example.test", setup: true });
    expect((await pgAdmin.api.put("/api/v1/platform/settings", { allowLocalGitSources: true })).status).toBe(200);
    const api = apiClient(pgPlatform, { token: await pgAdmin.createToken("ci", "OWNER") });
    const project = await api.ok("POST", "/api/v1/projects", { slug: "hooks" });
    const app = await createHookedApp(api, project.id, "dups", repo.dir);
    await expectOneBuildFrom100Duplicates(api, app);
  } finally {
    await pgPlatform?.stop();
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
});
