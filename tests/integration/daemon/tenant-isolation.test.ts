// Tenants side by side on one slipwayd, against real Podman, git and SQLite: names that cannot
// collide, networks that keep teams' containers apart, builds that cannot read another team's
// images or the operator's credentials, and the caps on a build (repository and context size, log
// lines, time, processes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Db } from "@/server/db";
import { daemonPaths } from "@/server/daemon/config";
import { imageTag } from "@/server/daemon/engine/container-spec";
import { teamNetworkName } from "@/server/daemon/engine/network-isolation";
import { ensureTestBaseImage, TEST_BASE_IMAGE } from "../../support/test-images";
import { createFixtureRepo, fixtureDockerfile, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  ingressGet,
  makeDataDir,
  podmanIdsByLabel,
  queueBuild,
  seedApp,
  waitFor,
  waitForBuild,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

// In every RUN line: the engine's layer cache would replay an earlier test run's step, output-less.
const run = Date.now().toString(36);
const OPERATOR_SECRET = `operator-secret-${run}`;
const A_SECRET = `team-a-source-${run}`;
let db: Db;
let daemon: DaemonProcess;
let dataDir: string;
let john: SeededApp;
let johnDoe: SeededApp;
/** a second app of team john: same team, another project */
let johnOther: SeededApp;
let johnRepo: FixtureRepo;
let johnDoeRepo: FixtureRepo;

async function logLines(buildId: string): Promise<string[]> {
  return (await db.buildLogLine.findMany({ where: { buildId }, orderBy: { id: "asc" } })).map((l) => l.line);
}

async function buildOf(app: SeededApp) {
  const id = await queueBuild(db, app.appId);
  const build = await waitForBuild(db, id, 180_000);
  return { ...build, lines: await logLines(id) };
}

beforeAll(async () => {
  await ensureTestBaseImage();
  dataDir = makeDataDir("tenants");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  // The operator's own credentials, where Podman would look for them.
  const operatorHome = path.join(dataDir, "operator-home");
  mkdirSync(path.join(operatorHome, ".docker"), { recursive: true });
  const auth = JSON.stringify({ auths: { "127.0.0.1:5999": { auth: Buffer.from(`operator:${OPERATOR_SECRET}`).toString("base64") } } });
  writeFileSync(path.join(operatorHome, ".docker", "config.json"), auth);
  writeFileSync(path.join(dataDir, "operator-auth.json"), auth);

  johnRepo = await createFixtureRepo({ version: "john-v1" });
  await johnRepo.commitFiles({ "secret.txt": `${A_SECRET}\n`, Dockerfile: fixtureDockerfile("john-v1") + "COPY secret.txt /www/secret.txt\n" }, "a secret");
  johnDoeRepo = await createFixtureRepo({ version: "john-doe-v1" });
  john = await seedApp(db, { teamSlug: `john${run}`, projectSlug: "doe", appSlug: "web-api", gitUrl: johnRepo.dir });
  johnDoe = await seedApp(db, { teamSlug: `john${run}-doe`, projectSlug: "web", appSlug: "api", gitUrl: johnDoeRepo.dir });
  johnOther = await seedApp(db, { teamSlug: `john${run}`, projectSlug: "other", appSlug: "web", gitUrl: johnRepo.dir });

  daemon = await createDaemon({
    dataDir,
    databaseUrl: url,
    env: {
      HOME: operatorHome,
      REGISTRY_AUTH_FILE: path.join(dataDir, "operator-auth.json"),
      AWS_SECRET_ACCESS_KEY: OPERATOR_SECRET,
      SLIPWAY_MAX_REPO_MIB: "1",
      SLIPWAY_MAX_CONTEXT_MIB: "0.5",
      SLIPWAY_BUILD_LOG_MAX_LINES: "60",
      SLIPWAY_BUILD_TIMEOUT_SECONDS: "40",
      SLIPWAY_BUILD_PIDS_LIMIT: "48",
      SLIPWAY_APP_PIDS_LIMIT: "64",
    },
  });
  await daemon.start();
}, 180_000);

afterAll(async () => {
  await execFileAsync("podman", ["rm", "-f", "-t", "0", FOREIGN]).catch(() => undefined); // absent when its test did not get that far
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  await db?.$disconnect();
});

describe("names that cannot collide", () => {
  it("deploys team john (doe/web-api) and team john-doe (web/api) side by side, each at its own host", async () => {
    const [a, b] = await Promise.all([buildOf(john), buildOf(johnDoe)]);
    expect(a.error).toBeNull();
    expect(b.error).toBeNull();
    expect(a.imageRef).not.toBe(b.imageRef);
    for (const app of [john, johnDoe]) {
      await waitFor(`${app.host} to serve`, async () => {
        const res = await ingressGet(daemon.ingressPort, app.host);
        return res.status === 200 ? res : null;
      }, 90_000);
    }
    expect((await ingressGet(daemon.ingressPort, john.host)).body).toContain("version john-v1");
    expect((await ingressGet(daemon.ingressPort, johnDoe.host)).body).toContain("version john-doe-v1");
    expect(await podmanIdsByLabel(`slipway.app=${john.appId}`)).toHaveLength(1);
    expect(await podmanIdsByLabel(`slipway.app=${johnDoe.appId}`)).toHaveLength(1);
    const labels = JSON.parse((await execFileAsync("podman", ["image", "inspect", "--format", "{{json .Labels}}", a.imageDigest!])).stdout) as Record<string, string>;
    // The team's label decides who may build FROM the image; its name says whose app and which build.
    expect(labels).toMatchObject({ "slipway.team-id": john.teamId });
    expect(a.imageRef).toBe(imageTag(john.appId, a.number));
  });
});

const FOREIGN = `slipway-test-foreign-${run}`;

async function containerOf(app: SeededApp): Promise<{ id: string; networks: Record<string, { IPAddress: string }> }> {
  const [id] = await podmanIdsByLabel(`slipway.app=${app.appId}`);
  const { stdout } = await execFileAsync("podman", ["inspect", "--format", "{{json .NetworkSettings.Networks}}", id!]);
  return { id: id!, networks: JSON.parse(stdout) as Record<string, { IPAddress: string }> };
}

const ipOf = (c: { networks: Record<string, { IPAddress: string }> }) => Object.values(c.networks)[0]!.IPAddress;

/** GET from inside a container; refusals and timeouts both count as not reached. */
async function reachFrom(containerId: string, url: string): Promise<{ ok: boolean; body: string; ms: number }> {
  const started = Date.now();
  try {
    const { stdout } = await execFileAsync("podman", ["exec", containerId, "timeout", "5", "wget", "-q", "-O-", url]);
    return { ok: true, body: stdout, ms: Date.now() - started };
  } catch {
    return { ok: false, body: "", ms: Date.now() - started };
  }
}

describe("containers of different teams cannot reach each other", () => {
  it("puts each team on its own network: another team's container IP is refused, the same team's answers, the ingress serves both", async () => {
    const other = await buildOf(johnOther);
    expect(other.error).toBeNull();
    await waitFor(`${johnOther.host} to serve`, async () => ((await ingressGet(daemon.ingressPort, johnOther.host)).status === 200 ? true : null), 90_000);
    const [a, a2, b] = await Promise.all([containerOf(john), containerOf(johnOther), containerOf(johnDoe)]);
    const inst = daemon.instanceId();
    expect(Object.keys(a.networks)).toEqual([teamNetworkName(inst, john.teamId)]);
    expect(Object.keys(a2.networks)).toEqual([teamNetworkName(inst, john.teamId)]);
    expect(Object.keys(b.networks)).toEqual([teamNetworkName(inst, johnDoe.teamId)]);
    const subnet = async (name: string) => (JSON.parse((await execFileAsync("podman", ["network", "inspect", "--format", "{{json .Subnets}}", name])).stdout) as { subnet: string }[])[0]!.subnet;
    expect(await subnet(teamNetworkName(inst, john.teamId))).not.toBe(await subnet(teamNetworkName(inst, johnDoe.teamId)));

    // The targets are live: from the host, each container answers on its own address.
    for (const [c, version] of [[a, "john-v1"], [b, "john-doe-v1"]] as const) {
      expect(await (await fetch(`http://${ipOf(c)}:8080/`)).text()).toContain(`version ${version}`);
    }
    const ab = await reachFrom(a.id, `http://${ipOf(b)}:8080/`);
    expect(ab.ok, ab.body).toBe(false);
    expect(ab.ms).toBeLessThan(8000);
    const ba = await reachFrom(b.id, `http://${ipOf(a)}:8080/`);
    expect(ba.ok, ba.body).toBe(false);
    expect(ba.ms).toBeLessThan(8000);
    // Same team, other project: one network, as before.
    expect((await reachFrom(a.id, `http://${ipOf(a2)}:8080/`)).body).toContain("version john-v1");

    expect((await ingressGet(daemon.ingressPort, john.host)).body).toContain("version john-v1");
    expect((await ingressGet(daemon.ingressPort, johnOther.host)).body).toContain("version john-v1");
    expect((await ingressGet(daemon.ingressPort, johnDoe.host)).body).toContain("version john-doe-v1");
  });

  it("keeps team networks and containers on Podman's default bridge apart, both ways", async () => {
    await execFileAsync("podman", [
      "--runtime", "runc", "run", "-d", "--name", FOREIGN, "--network", "podman",
      "--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096",
      TEST_BASE_IMAGE, "sh", "-c", "mkdir -p /tmp/www && echo foreign-reached > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www",
    ]);
    const foreignIp = (JSON.parse((await execFileAsync("podman", ["inspect", "--format", "{{json .NetworkSettings.Networks}}", FOREIGN])).stdout) as Record<string, { IPAddress: string }>).podman!.IPAddress;
    expect(await waitFor("the foreign container to answer", async () => (await fetch(`http://${foreignIp}:8080/`)).text(), 10_000)).toContain("foreign-reached");
    const a = await containerOf(john);
    const out = await reachFrom(a.id, `http://${foreignIp}:8080/`);
    expect(out.ok, out.body).toBe(false);
    const back = await reachFrom(FOREIGN, `http://${ipOf(a)}:8080/`);
    expect(back.ok, back.body).toBe(false);
    expect(back.ms).toBeLessThan(8000);
  });
});

describe("a build cannot use another team's images", () => {
  it("refuses FROM the other team's image by tag, image id, short id or digest, and prints none of its files", async () => {
    const a = await db.build.findFirstOrThrow({ where: { appId: john.appId, status: "SUCCEEDED" } });
    const { stdout } = await execFileAsync("podman", ["image", "inspect", "--format", "{{json .RepoDigests}}", a.imageDigest!]);
    const repoDigest = (JSON.parse(stdout) as string[]).find((d) => d.includes(`app-${john.appId}@`))!;
    expect(repoDigest).toBeTruthy();
    const hex = a.imageDigest!.replace("sha256:", "");
    const refs = [a.imageRef!, a.imageDigest!, hex.slice(0, 12), repoDigest];
    for (const ref of refs) {
      await johnDoeRepo.commitFiles({ Dockerfile: `ARG STOLEN=${ref}\nFROM \${STOLEN}\nRUN cat /www/secret.txt\n` }, `steal via ${ref}`);
      const b = await buildOf(johnDoe);
      expect(b.status, ref).toBe("FAILED");
      expect(b.error, ref).toMatch(/image built by Slipway for another team/);
      expect(b.error).toContain(ref);
      expect(b.lines.join("\n")).not.toContain(A_SECRET);
      expect(b.lines.some((l) => l.startsWith("STEP"))).toBe(false);
    }
    // COPY --from the other team's image is refused the same way.
    await johnDoeRepo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCOPY --from=${a.imageRef} /www/secret.txt /x\nRUN cat /x\n` }, "copy from");
    const c = await buildOf(johnDoe);
    expect(c.status).toBe("FAILED");
    expect(c.error).toMatch(/line 2 \(COPY --from\).*another team/);
    expect(c.lines.join("\n")).not.toContain(A_SECRET);
  });

  it("still lets a team build FROM its own earlier build", async () => {
    const a = await db.build.findFirstOrThrow({ where: { appId: john.appId, status: "SUCCEEDED" } });
    await johnRepo.commitFiles({ Dockerfile: `FROM ${a.imageRef}\nRUN cat /www/secret.txt\n` }, "from my own");
    const b = await buildOf(john);
    expect(b.error).toBeNull();
    expect(b.lines.join("\n")).toContain(A_SECRET);
    await johnRepo.commitFiles({ Dockerfile: fixtureDockerfile("john-v1") + "COPY secret.txt /www/secret.txt\n" }, "back");
  });
});

describe("builds run without the operator's credentials", () => {
  it("gives the engine an allow-listed environment, an empty HOME and an empty registry auth file", async () => {
    const pid = Number(readFileSync(daemonPaths(dataDir).podmanPidFile, "utf8"));
    const env = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
    expect(Object.values(env).join("\n")).not.toContain(OPERATOR_SECRET);
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.HOME).toBe(daemonPaths(dataDir).engineHome);
    expect(JSON.parse(readFileSync(env.REGISTRY_AUTH_FILE!, "utf8"))).toEqual({ auths: {} });
    expect(Object.keys(env).sort()).toEqual(expect.arrayContaining(["CONTAINERS_CONF", "HOME", "PATH", "REGISTRY_AUTH_FILE"]));
    for (const k of Object.keys(env)) expect(["PATH", "HOME", "XDG_CONFIG_HOME", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "CONTAINERS_CONF", "LANG", "TZ", "TMPDIR"]).toContain(k);
  });

  it("shows a RUN step no operator secret in its environment", async () => {
    await johnDoeRepo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN echo ${run}; env; cat /root/.docker/config.json 2>&1 || true\n` }, "print env");
    const b = await buildOf(johnDoe);
    expect(b.error).toBeNull();
    expect(b.lines.join("\n")).not.toContain(OPERATOR_SECRET);
    expect(b.lines.some((l) => l.startsWith("PATH="))).toBe(true);
  });
});

describe("build caps", () => {
  it("refuses a repository over the size limit, saying the size and the limit", async () => {
    const repo = await createFixtureRepo({ version: "big" });
    // Random data barely compresses: the clone's .git holds about as much again as the file.
    await repo.commitFiles({ "blob.txt": randomBytes(900 * 1024).toString("base64") }, "big file");
    const app = await seedApp(db, { teamSlug: `caps${run}`, appSlug: "repo", gitUrl: repo.dir });
    const b = await buildOf(app);
    expect(b.status).toBe("FAILED");
    expect(b.error).toMatch(/^The repository is \d+\.\d MiB, over this platform's limit of 1\.0 MiB/);
  });

  it("refuses a build context over the size limit", async () => {
    const repo = await createFixtureRepo({ version: "ctx" });
    // Zeros compress to almost nothing in .git, so only the context is over its limit.
    await repo.commitFiles({ "zeros.bin": "\0".repeat(768 * 1024) }, "compressible file");
    const app = await seedApp(db, { teamSlug: `caps${run}`, appSlug: "context", gitUrl: repo.dir });
    const b = await buildOf(app);
    expect(b.status).toBe("FAILED");
    expect(b.error).toMatch(/^The build context is 0\.\d+ MiB, over this platform's limit of 0\.50 MiB/);
  });

  it("stops storing build output after the line cap, with one 'log truncated' line", async () => {
    const repo = await createFixtureRepo({ version: "chatty" });
    await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN echo ${run}; i=0; while [ $i -lt 500 ]; do echo chatty-$i; i=$((i+1)); done\n` }, "chatty");
    const app = await seedApp(db, { teamSlug: `caps${run}`, appSlug: "chatty", gitUrl: repo.dir });
    const b = await buildOf(app);
    expect(b.error).toBeNull();
    // The status turns SUCCEEDED in the release's transaction; its log line follows a moment later.
    b.lines = await waitFor("the release's log line", async () => {
      const lines = await logLines(b.id);
      return lines.at(-1)?.startsWith("release v1 created") ? lines : null;
    }, 10_000);
    expect(b.lines.filter((l) => l.startsWith("log truncated"))).toEqual(["log truncated: only the first 60 lines of output are kept"]);
    expect(b.lines.some((l) => l === "chatty-499")).toBe(false);
    expect(b.lines.length).toBeLessThanOrEqual(60 + 4);
    expect(b.lines.at(-1)).toMatch(/^release v1 created/);
  });

  it("stops a build at its time limit", async () => {
    const repo = await createFixtureRepo({ version: "slow" });
    await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN echo ${run}; sleep 120\n` }, "slow");
    const app = await seedApp(db, { teamSlug: `caps${run}`, appSlug: "slow", gitUrl: repo.dir });
    const started = Date.now();
    const b = await buildOf(app);
    expect(b.status).toBe("FAILED");
    expect(b.error, daemon.output().slice(-3000)).toMatch(/^The build took longer than this platform's build time limit of 40 s \(SLIPWAY_BUILD_TIMEOUT_SECONDS\) and was stopped\. Make the build faster/);
    expect(Date.now() - started).toBeLessThan(100_000);
  });

  it("caps a build's processes in every RUN step: a fork loop in the second one fails", async () => {
    const repo = await createFixtureRepo({ version: "forks" });
    await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN echo ${run}; echo first-step\nRUN i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i+1)); done; echo all-forked\n` }, "forks");
    const app = await seedApp(db, { teamSlug: `caps${run}`, appSlug: "forks", gitUrl: repo.dir });
    const b = await buildOf(app);
    expect(b.status).toBe("FAILED");
    expect(b.lines.join("\n")).toMatch(/can't fork/);
    expect(b.lines).not.toContain("all-forked");
  });

  it("gives app containers a pids limit", async () => {
    const [id] = await podmanIdsByLabel(`slipway.app=${john.appId}`);
    const { stdout } = await execFileAsync("podman", ["inspect", "--format", "{{.HostConfig.PidsLimit}}", id!]);
    expect(Number(stdout.trim())).toBe(64);
  });
});

describe("containers cannot reach the host", () => {
  const servers: http.Server[] = [];
  const listen = (host: string) =>
    new Promise<number>((resolve) => {
      const server = http.createServer((_req, res) => res.end("host-service-reached"));
      servers.push(server);
      server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
    });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it("refuses build RUN steps and app containers the host's services, while the ingress still serves the app", async () => {
    const anyPort = await listen("0.0.0.0");
    const loopPort = await listen("127.0.0.1");
    // The build runs on team john-doe's network: its gateway is the host's address there.
    const { stdout } = await execFileAsync("podman", ["network", "inspect", "--format", "{{json .Subnets}}", teamNetworkName(daemon.instanceId(), johnDoe.teamId)]);
    const gateway = (JSON.parse(stdout) as { gateway: string }[])[0]!.gateway;
    const johnIp = ipOf(await containerOf(john));
    // The target is live: from the host itself, the gateway address answers.
    expect(await (await fetch(`http://${gateway}:${anyPort}/`)).text()).toBe("host-service-reached");

    // …and another team's app container, by its address.
    const targets = [`${gateway}:${anyPort}`, `host.containers.internal:${anyPort}`, `${gateway}:${loopPort}`, `127.0.0.1:${loopPort}`, `${gateway}:${daemon.apiPort}`, `${johnIp}:8080`];
    // busybox's wget -T crashes here; timeout(1) bounds it instead (refusals are immediate anyway).
    const probe = targets.map((t) => `if timeout 5 wget -q -O- http://${t}/; then echo; echo REACHED-${t}; else echo blocked-${t}; fi`).join("; ");
    await johnDoeRepo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN echo ${run}; ${probe}\n` }, "probe the host");
    const b = await buildOf(johnDoe);
    expect(b.error).toBeNull();
    const text = b.lines.join("\n");
    expect(text).not.toContain("host-service-reached");
    expect(b.lines.filter((l) => l.startsWith("REACHED-"))).toEqual([]);
    for (const t of targets) expect(text).toContain(`blocked-${t}`);

    const [id] = await podmanIdsByLabel(`slipway.app=${john.appId}`);
    for (const t of [`${gateway}:${anyPort}`, `${gateway}:${daemon.apiPort}`, `host.containers.internal:${anyPort}`]) {
      await expect(execFileAsync("podman", ["exec", id!, "timeout", "5", "wget", "-q", "-O-", `http://${t}/`]), t).rejects.toThrow();
    }
    // Networking itself works in the container: it reaches its own published service.
    const own = JSON.parse((await execFileAsync("podman", ["inspect", "--format", "{{json .NetworkSettings.Networks}}", id!])).stdout) as Record<string, { IPAddress: string }>;
    const ip = Object.values(own)[0]!.IPAddress;
    expect((await execFileAsync("podman", ["exec", id!, "timeout", "5", "wget", "-q", "-O-", `http://${ip}:8080/`])).stdout).toContain("version john-v1");
    expect((await ingressGet(daemon.ingressPort, john.host)).body).toContain("version john-v1");
  });
});
