// One run-as policy on the real engine (server/runtime/run-as.ts): an app runs as its image's own
// non-root user, and as 10001:10001 when the image declares no USER or root; a USER the image
// cannot resolve fails the build with what to change; an app that writes where only root may
// write fails its rollout saying so, as it would on a cluster, and the previous release serves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Db } from "@/server/db";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  ingressGet,
  makeDataDir,
  queueBuild,
  seedApp,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const TEAM = `ra${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let app: SeededApp;

/** Serves what `id` says about the process, from a directory anyone may write. */
function idApp(lines: string[]): Record<string, string> {
  return {
    Dockerfile: [
      `FROM ${TEST_BASE_IMAGE}`,
      "RUN mkdir -p /srv && chmod 1777 /srv",
      ...lines,
      `CMD ["sh", "-c", "id > /srv/index.html && exec httpd -f -p 8080 -h /srv"]`,
      "",
    ].join("\n"),
  };
}

async function deploy(files: Record<string, string>, label: string) {
  await repo.commitFiles(files, label);
  const build = await waitForBuild(db, await queueBuild(db, app.appId));
  const log = (await db.buildLogLine.findMany({ where: { buildId: build.id }, orderBy: { id: "asc" } })).map((l) => l.line);
  const release = await db.release.findUnique({ where: { buildId: build.id } });
  return { build, log, release };
}

async function deployLive(files: Record<string, string>, label: string) {
  const d = await deploy(files, label);
  expect(d.build.status, d.build.error ?? "").toBe("SUCCEEDED");
  const live = await waitForReleaseStatus(db, d.release!.id, ["LIVE", "FAILED"], 60_000);
  expect(live.status, live.statusReason ?? "").toBe("LIVE");
  const page = await ingressGet(daemon.ingressPort, app.host);
  return { ...d, release: live, id: page.body.trim() };
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("run-as");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: repo.dir });
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_HEALTH_TIMEOUT_MS: "15000" } });
  await daemon.start();
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("whom an app runs as, on the embedded engine", () => {
  it("runs an image without USER as 10001:10001 and says so in the build log and on the release", async () => {
    const d = await deployLive(idApp([]), "no user");
    expect(d.id).toBe("uid=10001 gid=10001 groups=10001");
    expect(d.log).toContain("Runs as user 10001, group 10001: the image declares no USER, and Slipway never runs an app as root, on any runtime: files that only root may write are read-only to it");
    expect(d.release).toMatchObject({ imageUser: "", runAsUid: 10001, runAsGid: 10001 });
  });

  it("runs USER root as 10001:10001 too, never as root", async () => {
    const d = await deployLive(idApp(["USER root"]), "root");
    expect(d.id).toBe("uid=10001 gid=10001 groups=10001");
    expect(d.release).toMatchObject({ imageUser: "root", runAsUid: 10001, runAsGid: 10001 });
  });

  it("runs the image's own named user, resolved from its /etc/passwd, with its own primary group", async () => {
    const d = await deployLive(
      idApp(["RUN echo 'app:x:2345:3000::/srv:/bin/sh' >> /etc/passwd && echo 'web:x:3000:' >> /etc/group", "USER app"]),
      "named user",
    );
    // Its primary group from the image, plus the group a cluster's fsGroup would add.
    expect(d.id).toBe("uid=2345(app) gid=3000(web) groups=3000(web),10001");
    expect(d.release).toMatchObject({ imageUser: "app", runAsUid: 2345, runAsGid: null });
    expect(d.log).toContain("Runs as user 2345, group (the user's own, from the image's /etc/passwd): the image's USER app, the same on every runtime");
  });

  it("runs a numeric USER with the group it names", async () => {
    const d = await deployLive(idApp(["USER 4321:4321"]), "numeric user");
    expect(d.id).toBe("uid=4321 gid=4321 groups=4321");
    expect(d.release).toMatchObject({ imageUser: "4321:4321", runAsUid: 4321, runAsGid: 4321 });
  });

  it("fails the build, saying what to change, when USER names a user the image does not have; the live release keeps serving", async () => {
    const before = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    const d = await deploy(idApp(["USER ghost"]), "ghost");
    expect(d.build.status).toBe("FAILED");
    expect(d.build.error).toMatch(/The image's USER ghost names a user that is not in the image's \/etc\/passwd; add the user in the Dockerfile/);
    expect(d.release).toBeNull();
    const after = await db.app.findUniqueOrThrow({ where: { id: app.appId } });
    expect(after.liveReleaseId).toBe(before.liveReleaseId);
    expect((await ingressGet(daemon.ingressPort, app.host)).body.trim()).toBe("uid=4321 gid=4321 groups=4321");
  });

  it("fails the rollout of an app that writes where only root may write, with its own words, and keeps the previous release serving", async () => {
    const d = await deploy(
      {
        Dockerfile: [
          `FROM ${TEST_BASE_IMAGE}`,
          "RUN mkdir -p /data && echo hello > /www/index.html",
          `CMD ["sh", "-c", "echo starting; touch /data/notes.db || { echo 'cannot create /data/notes.db' >&2; exit 3; }; exec httpd -f -p 8080 -h /www"]`,
          "",
        ].join("\n"),
      },
      "root-owned dir",
    );
    expect(d.build.status).toBe("SUCCEEDED");
    const ended = await waitForReleaseStatus(db, d.release!.id, ["LIVE", "FAILED"], 60_000);
    expect(ended.status).toBe("FAILED");
    expect(ended.statusReason).toMatch(/exited with code 3/);
    // What to do: the release says whom it ran as and how to make the directory writable.
    expect(ended.statusReason).toContain("It runs as user 10001 (Slipway never runs an app as root) on every runtime: if it could not write a file, make that directory writable in the Dockerfile");
    expect(ended.lastLogLines?.split("\n")).toEqual(expect.arrayContaining(["cannot create /data/notes.db"]));
    expect((await ingressGet(daemon.ingressPort, app.host)).body.trim()).toBe("uid=4321 gid=4321 groups=4321");
  });
});
