// The kept logs through the web's routes, against a real slipwayd, real Podman and real git, the way
// a user and another team would use them: lines of a running app are searchable by text and
// stream; the live stream resumes after Last-Event-ID with nothing lost and nothing twice; a
// download holds the lines; ranges and pages are capped and say so; another team gets 404 for
// every log and metrics route; retention is the team admin's, within the platform's maximum.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { resetEnvForTests } from "@/server/env";
import * as projectsRoute from "@/app/api/v1/projects/route";
import * as projectAppsRoute from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as liveRoute from "@/app/api/v1/apps/[appId]/logs/route";
import * as searchRoute from "@/app/api/v1/apps/[appId]/logs/search/route";
import * as downloadRoute from "@/app/api/v1/apps/[appId]/logs/download/route";
import * as metricsRoute from "@/app/api/v1/apps/[appId]/metrics/route";
import * as retentionRoute from "@/app/api/v1/team/log-retention/route";
import * as platformSettingsRoute from "@/app/api/v1/platform/settings/route";
import * as meRoute from "@/app/api/v1/me/route";
import type { LogLineDto } from "@/server/logs/schemas";
import { appHostname } from "@/server/apps/app-url";
import { BASE, call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { ensureTestBaseImage } from "../../support/test-images";
import { createFixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  ingressGet,
  makeDataDir,
  waitFor,
  waitForReleaseStatus,
  type DaemonProcess,
} from "../../support/daemon-harness";

const RUN_ID = Date.now().toString(36);
let db: Db;
let daemon: DaemonProcess;
let admin: string;
let ada: { cookie: string; teamId: string; userId: string };
let dev: { cookie: string; teamId: string; userId: string };
let bob: { cookie: string; teamId: string; userId: string };
let appId: string;
let host: string;

async function member(email: string): Promise<{ cookie: string; teamId: string; userId: string }> {
  const cookie = await signUp(email);
  const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie });
  return { cookie, teamId: me.json.team.id, userId: me.json.user.id };
}

/** httpd -vv logs each request on stderr: a request for a marked path is a marked log line. */
async function logRequests(marker: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) expect((await ingressGet(daemon.ingressPort, host, `/${marker}-${i}`)).status).toBe(404);
}

async function search(query: string, cookie = ada.cookie) {
  return call(searchRoute.GET, "GET", `/api/v1/apps/${appId}/logs/search?${query}`, { cookie, params: { appId } });
}

/** Reads a live stream's frames until `enough` says stop, then cancels it; returns the frames. */
async function readLive(query: string, headers: Record<string, string>, enough: (lines: LogLineDto[]) => boolean): Promise<{ ids: number[]; lines: LogLineDto[] }> {
  const req = new Request(`${BASE}/api/v1/apps/${appId}/logs?${query}`, { headers: { origin: BASE, cookie: ada.cookie, ...headers } });
  const res = await liveRoute.GET(req, { params: Promise.resolve({ appId }) });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ids: number[] = [];
  const lines: LogLineDto[] = [];
  let buf = "";
  const deadline = Date.now() + 30_000;
  try {
    while (!enough(lines)) {
      if (Date.now() > deadline) throw new Error(`live stream: gave up after ${lines.length} lines`);
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const fields = Object.fromEntries(frame.split("\n").filter((l) => !l.startsWith(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trimStart()]));
        if (fields.event !== "lines") continue;
        const batch = JSON.parse(fields.data!) as LogLineDto[];
        ids.push(Number(fields.id));
        lines.push(...batch);
      }
    }
  } finally {
    await reader.cancel();
  }
  return { ids, lines };
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("kept-logs");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  const env = setupApiTestEnv({ databaseUrl: url });
  await allowLocalGitSources(db, true);
  admin = await signUp(`root${RUN_ID}@example.test`);
  ada = await member(`ada${RUN_ID}@example.test`);
  bob = await member(`bob${RUN_ID}@example.test`);
  // A developer of Ada's team (for the retention's role check).
  dev = await member(`dev${RUN_ID}@example.test`);
  await db.membership.updateMany({ where: { userId: dev.userId }, data: { teamId: ada.teamId, role: "DEVELOPER" } });
  dev.teamId = ada.teamId;

  daemon = await createDaemon({ dataDir: env.dataDir, databaseUrl: url });
  await daemon.start();
  process.env.SLIPWAY_DAEMON_PORT = String(daemon.apiPort);
  resetEnvForTests();

  const project = await call(projectsRoute.POST, "POST", "/api/v1/projects", { cookie: ada.cookie, body: { slug: "shop" } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  const repo = await createFixtureRepo({ version: "kept" });
  const app = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, { cookie: ada.cookie, params: { projectId: project.json.id }, body: { slug: "web", gitUrl: repo.fileUrl } });
  expect(app.status, JSON.stringify(app.json)).toBe(201);
  appId = app.json.id;
  const team = await db.team.findUniqueOrThrow({ where: { id: ada.teamId } });
  host = appHostname({ appSlug: "web", projectSlug: "shop", teamSlug: team.slug }, "localhost");
  const deploy = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: ada.cookie, params: { appId } });
  expect(deploy.status, JSON.stringify(deploy.json)).toBe(202);
  const release = await waitFor("the first release", async () => db.release.findFirst({ where: { appId } }), 120_000);
  const live = await waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 120_000);
  expect(live.status, `${live.statusReason ?? ""}\n${daemon.output().slice(-3000)}`).toBe("LIVE");
}, 240_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("kept logs through the web routes", () => {
  it("finds a running app's lines by text and by stream, newest first, a page at a time without gaps or repeats", async () => {
    const marker = `find-me-${RUN_ID}`;
    await logRequests(marker, 7);
    const found = await waitFor("the marked lines to be searchable", async () => {
      const res = await search(`q=${marker}&limit=100`);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return res.json.lines.length === 7 ? res.json : null;
    }, 30_000, 500);
    const seqs = found.lines.map((l: LogLineDto) => l.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(found.lines.every((l: LogLineDto) => l.line.includes(marker) && l.stream === "stderr")).toBe(true);
    expect(found.notice).toBeNull();
    expect((await search(`q=${marker}&stream=stdout`)).json.lines).toEqual([]);

    // Pages of 3: 3 + 3 + 1, the same lines, none twice.
    const paged: number[] = [];
    let before: number | null = null;
    do {
      const res = await search(`q=${marker}&limit=3${before ? `&before=${before}` : ""}`);
      expect(res.status).toBe(200);
      paged.push(...res.json.lines.map((l: LogLineDto) => l.seq));
      before = res.json.nextBefore;
    } while (before !== null && paged.length < 20);
    expect(paged).toEqual(seqs);

    // The app's start-up line (stdout) is there too, with its release.
    const start = await search(`q=${encodeURIComponent("slipway fixture app kept starting")}&stream=stdout`);
    expect(start.json.lines.length).toBeGreaterThanOrEqual(1);
    expect(start.json.lines[0].releaseId).not.toBeNull();
  });

  it("resumes the live stream after Last-Event-ID with every later line exactly once", async () => {
    const first = `live-a-${RUN_ID}`;
    await logRequests(first, 3);
    const a = await readLive("tail=50", {}, (lines) => lines.filter((l) => l.line.includes(first)).length >= 3);
    const lastId = a.ids[a.ids.length - 1]!;
    expect(lastId).toBe(a.lines[a.lines.length - 1]!.seq);

    const second = `live-b-${RUN_ID}`;
    await logRequests(second, 5);
    const b = await readLive("tail=50", { "last-event-id": String(lastId) }, (lines) => lines.filter((l) => l.line.includes(second)).length >= 5);
    expect(b.lines.every((l) => l.seq > lastId)).toBe(true);
    const seqs = b.lines.map((l) => l.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(b.lines.filter((l) => l.line.includes(first))).toEqual([]);
    // Nothing the store holds between the two is missing from the resumed stream.
    const stored = await search(`q=${second}&limit=100`);
    expect(stored.json.lines.map((l: LogLineDto) => l.seq).sort()).toEqual(b.lines.filter((l) => l.line.includes(second)).map((l) => l.seq).sort());
  });

  it("downloads the lines as text and as NDJSON", async () => {
    const marker = `dl-${RUN_ID}`;
    await logRequests(marker, 4);
    await waitFor("the lines to be stored", async () => (await search(`q=${marker}`)).json.lines.length === 4, 30_000, 500);
    const text = await call(downloadRoute.GET, "GET", `/api/v1/apps/${appId}/logs/download?format=text&q=${marker}`, { cookie: ada.cookie, params: { appId } });
    expect(text.status).toBe(200);
    const textLines = String(text.json).trim().split("\n");
    expect(textLines).toHaveLength(4);
    expect(textLines.every((l) => l.includes(marker) && l.includes("stderr"))).toBe(true);
    const nd = await call(downloadRoute.GET, "GET", `/api/v1/apps/${appId}/logs/download?format=ndjson&q=${marker}`, { cookie: ada.cookie, params: { appId } });
    expect(nd.status).toBe(200);
    // One JSON object per line; the harness parses a single-line body, so read it as text again.
    const rows = (typeof nd.json === "string" ? nd.json : JSON.stringify(nd.json)).trim().split("\n").map((l: string) => JSON.parse(l) as LogLineDto);
    expect(rows.map((r: LogLineDto) => r.line.includes(marker))).toEqual([true, true, true, true]);
    const seqs = rows.map((r: LogLineDto) => r.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
  });

  it("caps what one search may scan, and says so", async () => {
    const wide = await search(`from=${Date.now() - 90 * 86_400_000}`);
    expect(wide.status).toBe(200);
    expect(wide.json.notice).toMatch(/narrowed to the newest 31 days/);
    expect(Date.parse(wide.json.to) - Date.parse(wide.json.from)).toBe(31 * 86_400_000);
    const backwards = await search(`from=${Date.now()}&to=${Date.now() - 1000}`);
    expect(backwards.status).toBe(422);
    expect(backwards.json.error.fields[0].path).toBe("from");
    expect((await search("limit=501")).status).toBe(422);
    expect((await search(`q=${"x".repeat(201)}`)).status).toBe(422);
  });

  it("answers 404 to another team for every log and metrics route of the app", async () => {
    const opts = { cookie: bob.cookie, params: { appId } };
    expect((await search("q=GET", bob.cookie)).status).toBe(404);
    expect((await call(downloadRoute.GET, "GET", `/api/v1/apps/${appId}/logs/download`, opts)).status).toBe(404);
    expect((await call(metricsRoute.GET, "GET", `/api/v1/apps/${appId}/metrics`, opts)).status).toBe(404);
    const req = new Request(`${BASE}/api/v1/apps/${appId}/logs`, { headers: { origin: BASE, cookie: bob.cookie } });
    const live = await liveRoute.GET(req, { params: Promise.resolve({ appId }) });
    expect(live.status).toBe(404);
    await live.body?.cancel();
  });

  it("lets the team admin set retention within the platform's maximum, and no one else", async () => {
    const get = await call(retentionRoute.GET, "GET", "/api/v1/team/log-retention", { cookie: ada.cookie });
    expect(get.status).toBe(200);
    expect(get.json).toMatchObject({ days: 7, maxMib: 1024, platformMaxDays: 30, platformMaxMib: 10240 });
    expect(get.json.usage.lines).toBeGreaterThan(0);

    const byDev = await call(retentionRoute.PATCH, "PATCH", "/api/v1/team/log-retention", { cookie: dev.cookie, body: { days: 2 } });
    expect(byDev.status).toBe(403);
    const tooLong = await call(retentionRoute.PATCH, "PATCH", "/api/v1/team/log-retention", { cookie: ada.cookie, body: { days: 31, maxMib: 20_000 } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["days", "maxMib"]);
    expect((await db.team.findUniqueOrThrow({ where: { id: ada.teamId } })).logRetentionDays).toBe(7);

    const ok = await call(retentionRoute.PATCH, "PATCH", "/api/v1/team/log-retention", { cookie: ada.cookie, body: { days: 3 } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ days: 3, maxMib: 1024 });
    expect(await db.auditEvent.count({ where: { action: "team.logRetention.update", teamId: ada.teamId } })).toBe(1);

    // The platform admin raises the maximum; then 31 days is allowed.
    const raised = await call(platformSettingsRoute.PUT, "PUT", "/api/v1/platform/settings", { cookie: admin, body: { maxLogRetentionDays: 60 } });
    expect(raised.status, JSON.stringify(raised.json)).toBe(200);
    expect(raised.json.maxLogRetentionDays).toBe(60);
    expect((await call(retentionRoute.PATCH, "PATCH", "/api/v1/team/log-retention", { cookie: ada.cookie, body: { days: 31 } })).status).toBe(200);
    // Bob's team is untouched.
    expect((await call(retentionRoute.GET, "GET", "/api/v1/team/log-retention", { cookie: bob.cookie })).json.days).toBe(7);
  });
});
