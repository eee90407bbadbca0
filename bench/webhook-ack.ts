// Fast acknowledgement of a push webhook: p50/p99 of POST /api/hooks/<appId> with a correctly
// signed GitHub push, on the production web server (`next start`, with slipwayd) while two builds
// run, against a bare route on the same server in the same run. Target: ack p99 ≤ 2 × bare p99.
// Then 100 concurrent copies of one delivery: exactly one build must result.
//
// Two ack series, each delivery with its own id:
//   queued/coalesced  pushes to the app's branch: the real path (verify, record the delivery,
//                     enqueue). The first queues a build; the app's build cannot start while
//                     the two long builds hold both workers, so every later push coalesces into
//                     that queued build (one build row updated to the newest SHA), as in production.
//   ignored           pushes to another branch: verified and recorded as ignored (branch filter).
// The bare route is GET /api/v1/me with an API token. There is no health route; this is the
// cheapest real route of the same server: the same Next.js request path and one credential
// check against the database (a token hash lookup and membership, where the hook looks up the
// app, decrypts its secret and checks an HMAC), but no write. It is the floor an authenticated
// request costs on this server.
// A fourth series, for reading the others: slipwayd's POST /v1/reconcile (the nudge that a push
// answered 202 awaits after its transaction), timed the same way while the builds run.
// Requests alternate (bare, queued, ignored, nudge, …) over one keep-alive connection each, so machine
// noise falls on all series alike.
//
//   node --conditions=react-server --import tsx bench/webhook-ack.ts
import http from "node:http";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startPlatform, type Platform } from "../e2e/support/platform";
import { apiClient, signUpOverHttp, type ApiClient } from "../e2e/support/http-api";
import { pushHook, sign, type Hook } from "../e2e/support/webhook-sender";
import { createFixtureRepo, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../tests/support/test-images";
import { IMAGE_LABEL } from "../server/daemon/engine/container-spec";
import { fmt, loadNote, percentile, processMemory, ratio, table } from "./support/report";

const N = Number(process.env.BENCH_ACK_N ?? 300);
const WARMUP = 30;
const DUPLICATES = 100;
const LIMIT_MS = 10 * 60_000;

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function request(port: number, agent: http.Agent, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: "127.0.0.1", port, method, path: pathname, agent, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The pid listening on the web port (`next start`'s server process), for its peak memory. */
function listenerPid(port: number): number {
  const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  return Number(/pid=(\d+)/.exec(out)?.[1] ?? 0);
}

const randomSha = () => randomBytes(20).toString("hex");

async function waitForStatus(api: ApiClient, buildId: string, statuses: string[], timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const b = await api.ok("GET", `/api/v1/builds/${buildId}`);
    if (statuses.includes(b.status)) return b.status as string;
    if (Date.now() > until) throw new Error(`build ${buildId} is ${b.status}, not ${statuses.join("/")}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const loadBefore = loadNote();
  await ensureTestBaseImage();
  const repos: FixtureRepo[] = [];
  let platform: Platform | undefined;
  let api: ApiClient | undefined;
  let teamId = "";
  const longBuilds: string[] = [];
  const cleanup = async () => {
    // Stop the long builds first (their podman build processes end with them), then the platform.
    for (const id of longBuilds) await api?.request("POST", `/api/v1/builds/${id}/cancel`).catch(() => undefined);
    for (const id of longBuilds) if (api) await waitForStatus(api, id, ["CANCELED", "FAILED", "SUCCEEDED"], 60_000).catch((e: unknown) => console.error(String(e)));
    await platform?.stop().catch((e: unknown) => console.error(`platform stop: ${String(e)}`));
    if (teamId) {
      const ids = execFileSync("podman", ["images", "-a", "-q", "--no-trunc", "--filter", `label=${IMAGE_LABEL.team}=${teamId}`], { encoding: "utf8" }).split("\n").filter(Boolean);
      if (ids.length) execFileSync("podman", ["rmi", "-f", ...new Set(ids)], { stdio: "ignore" });
    }
    for (const r of repos) rmSync(r.dir, { recursive: true, force: true });
  };
  const timer = setTimeout(() => {
    console.error(`webhook-ack: gave up after ${LIMIT_MS / 1000} s`);
    void cleanup().finally(() => process.exit(1));
  }, LIMIT_MS);
  try {
    platform = await startPlatform({
      // Room for the measured requests: the per-app webhook limit and the API's mutation limit
      // would otherwise be what this measures.
      env: { SLIPWAY_WEBHOOKS_PER_MINUTE: "1000000", SLIPWAY_API_MUTATIONS_PER_MINUTE: "1000000", SLIPWAY_BUILD_WORKERS: "2" },
    });
    const admin = await signUpOverHttp(platform, { email: "bench@example.test", setup: true });
    const token = await admin.createToken("bench", "OWNER");
    api = apiClient(platform, { token });
    const me = await api.ok("GET", "/api/v1/me");
    teamId = me.team.id as string;
    const allowed = await admin.api.put("/api/v1/platform/settings", { allowLocalGitSources: true });
    if (allowed.status !== 200) throw new Error(`platform settings answered ${allowed.status}: ${allowed.text}`);
    const projectId = (await api.ok("POST", "/api/v1/projects", { slug: "bench" })).id as string;
    const createApp = async (slug: string, repo: FixtureRepo) =>
      (await api!.ok("POST", `/api/v1/projects/${projectId}/apps`, { slug, gitUrl: repo.dir, gitBranch: "main", containerPort: 8080, cpuMillicores: 100, memoryMib: 64 })).id as string;

    // Two builds that run for the whole measurement.
    for (const name of ["long-a", "long-b"]) {
      const repo = await createFixtureRepo({ version: name });
      repos.push(repo);
      await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN sleep 900\n` }, "a long build");
      const appId = await createApp(name, repo);
      longBuilds.push((await api.ok("POST", `/api/v1/apps/${appId}/deploy`)).build.id as string);
    }
    for (const id of longBuilds) await waitForStatus(api, id, ["RUNNING"], 120_000);

    const hookRepo = await createFixtureRepo({ version: "hooked" });
    repos.push(hookRepo);
    const hookedId = await createApp("hooked", hookRepo);
    const on = await api.patch(`/api/v1/apps/${hookedId}/webhook`, { deployOnPush: true });
    if (on.status !== 200 || !on.json?.secret) throw new Error(`turning on deploy on push answered ${on.status}: ${on.text}`);
    const secret = on.json.secret as string;
    const hookPath = `/api/hooks/${hookedId}`;

    const port = platform.webPort;
    const agents = { bare: new http.Agent({ keepAlive: true, maxSockets: 1 }), queued: new http.Agent({ keepAlive: true, maxSockets: 1 }), ignored: new http.Agent({ keepAlive: true, maxSockets: 1 }), nudge: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
    const daemonToken = readFileSync(path.join(platform.dataDir, "daemon.token"), "utf8").trim();
    const send = (agent: http.Agent, hook: Hook) => request(port, agent, "POST", hookPath, hook.headers, hook.body);
    const series = { bare: [] as number[], queued: [] as number[], ignored: [] as number[], nudge: [] as number[] };
    const outcomes = new Map<string, number>();
    const count = (a: Answer, what: string) => {
      let key = `${what} ${a.status}`;
      try {
        key += ` ${(JSON.parse(a.body) as { delivery?: { outcome?: string } }).delivery?.outcome ?? ""}`;
      } catch {
        key += " (not JSON)";
      }
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    };
    for (let i = 0; i < WARMUP + N; i++) {
      const bare = await request(port, agents.bare, "GET", "/api/v1/me", { authorization: `Bearer ${token}` });
      if (bare.status !== 200) throw new Error(`GET /api/v1/me answered ${bare.status}: ${bare.body}`);
      const queued = await send(agents.queued, sign(pushHook("github", { ref: "refs/heads/main", after: randomSha(), message: `push ${i}` }), secret));
      if (queued.status !== 202) throw new Error(`a push to main answered ${queued.status}: ${queued.body}`);
      const ignored = await send(agents.ignored, sign(pushHook("github", { ref: "refs/heads/elsewhere", after: randomSha(), message: `push ${i}` }), secret));
      if (ignored.status !== 200) throw new Error(`a push to another branch answered ${ignored.status}: ${ignored.body}`);
      const nudge = await request(platform.daemonPort, agents.nudge, "POST", "/v1/reconcile", { authorization: `Bearer ${daemonToken}` }, "");
      if (nudge.status !== 202) throw new Error(`slipwayd's reconcile answered ${nudge.status}: ${nudge.body}`);
      if (i < WARMUP) continue;
      series.nudge.push(nudge.ms);
      series.bare.push(bare.ms);
      series.queued.push(queued.ms);
      series.ignored.push(ignored.ms);
      count(queued, "push to main:");
      count(ignored, "push elsewhere:");
    }
    const hookBuilds = (await api.ok("GET", `/api/v1/apps/${hookedId}/builds`)) as { items?: unknown[] } | unknown[];
    const hookBuildCount = Array.isArray(hookBuilds) ? hookBuilds.length : (hookBuilds.items?.length ?? Number.NaN);
    const stillRunning = await Promise.all(longBuilds.map((id) => api!.ok("GET", `/api/v1/builds/${id}`).then((b) => b.status as string)));

    // 100 concurrent copies of one delivery, on an app of its own.
    const dupRepo = await createFixtureRepo({ version: "dup" });
    repos.push(dupRepo);
    const dupId = await createApp("dup", dupRepo);
    const dupOn = await api.patch(`/api/v1/apps/${dupId}/webhook`, { deployOnPush: true });
    const dupHook = sign(pushHook("github", { ref: "refs/heads/main", after: randomSha(), message: "one delivery" }), dupOn.json.secret as string);
    const fresh = () => new http.Agent({ keepAlive: false });
    const t0 = process.hrtime.bigint();
    const dupAnswers = await Promise.all(Array.from({ length: DUPLICATES }, () => request(port, fresh(), "POST", `/api/hooks/${dupId}`, dupHook.headers, dupHook.body)));
    const dupWallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const dupStatuses = new Map<string, number>();
    for (const a of dupAnswers) {
      let outcome = "";
      try {
        outcome = (JSON.parse(a.body) as { delivery?: { outcome?: string; reason?: string } }).delivery?.outcome ?? "";
      } catch {
        outcome = "(not JSON)";
      }
      dupStatuses.set(`${a.status} ${outcome}`, (dupStatuses.get(`${a.status} ${outcome}`) ?? 0) + 1);
    }
    const dupBuildsRes = (await api.ok("GET", `/api/v1/apps/${dupId}/builds`)) as { items?: unknown[] } | unknown[];
    const dupBuilds = Array.isArray(dupBuildsRes) ? dupBuildsRes.length : (dupBuildsRes.items?.length ?? Number.NaN);
    const dupDeliveries = (await api.ok("GET", `/api/v1/apps/${dupId}/deliveries?limit=100`)).items.length as number;

    const pid = listenerPid(port);
    const mem = pid ? processMemory(pid) : null;
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const s = { bare: sorted(series.bare), queued: sorted(series.queued), ignored: sorted(series.ignored), nudge: sorted(series.nudge) };
    const row = (name: string, xs: number[]) => [name, fmt(percentile(xs, 50)), fmt(percentile(xs, 99)), fmt(xs[xs.length - 1]!), ratio(percentile(xs, 50), percentile(s.bare, 50)), ratio(percentile(xs, 99), percentile(s.bare, 99))];
    console.log(`\n== webhook ack on the production server (next start) while 2 builds run: ${N} requests per series after ${WARMUP} warm-up rounds ==`);
    console.log(
      table(
        ["series", "p50 ms", "p99 ms", "max ms", "p50 / bare", "p99 / bare"],
        [row("bare: GET /api/v1/me (API token)", s.bare), row("ack: signed push, queued/coalesced", s.queued), row("ack: signed push, ignored (branch)", s.ignored), row("(slipwayd POST /v1/reconcile: the nudge)", s.nudge)],
      ),
    );
    console.log(`\nack p99 / bare p99: ${ratio(percentile(s.queued, 99), percentile(s.bare, 99))} for the queueing push, ${ratio(percentile(s.ignored, 99), percentile(s.bare, 99))} for the ignored one (target ≤ 2x)`);
    console.log(`answers: ${[...outcomes].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
    console.log(`builds of the pushed app after ${WARMUP + N} pushes to main: ${hookBuildCount} (the first queued one, every later push coalesced into it)`);
    console.log(`the two long builds during and after the measurement: ${stillRunning.join(", ")}`);
    console.log(`\n${DUPLICATES} concurrent copies of one delivery (one connection each, ${fmt(dupWallMs)} ms in all): ${[...dupStatuses].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
    console.log(`builds that resulted: ${dupBuilds} (must be 1); deliveries recorded: ${dupDeliveries}`);
    if (mem) console.log(`\nweb server peak RSS (VmHWM): ${fmt(mem.peakMiB, 1)} MiB, now ${fmt(mem.rssMiB, 1)} MiB  [pid ${pid}: ${mem.command.slice(0, 80)}]`);
    console.log(`machine: ${loadBefore} before, ${loadNote()} after; other work on the machine shows up in every series`);
    if (dupBuilds !== 1) process.exitCode = 1;
  } catch (e) {
    if (platform) console.error(`the web server's last lines:\n${platform.logs("web", 40)}`);
    throw e;
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(`webhook-ack failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
