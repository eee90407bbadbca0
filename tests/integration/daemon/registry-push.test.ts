// Builds for an app on a cluster with an image registry push the image there, against real
// Podman and a real CNCF Distribution registry (Debian's docker-registry) on loopback. The
// cluster itself is unreachable on purpose: only the build's push is under test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Db } from "@/server/db";
import { seal } from "@/server/crypto/secret-box";
import { clusterImageRef, splitImageRef } from "@/server/runtime/kubernetes/cluster-image-ref";
import { ensureTestBaseImage } from "../../support/test-images";
import { startLoopbackRegistry, type LoopbackRegistry } from "../../support/loopback-registry";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  execFileAsync,
  freePort,
  makeDataDir,
  queueBuild,
  seedApp,
  waitForBuild,
  type DaemonProcess,
} from "../../support/daemon-harness";

// The test seals the kubeconfig itself, so it and the daemon must share the key.
const SECRET_KEY = randomBytes(32).toString("hex");
process.env.SLIPWAY_SECRET_KEY = SECRET_KEY;

const TEAM = `rp${Date.now().toString(36)}`;
const UNREACHABLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:9
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`;

let db: Db;
let daemon: DaemonProcess;
let repo: FixtureRepo;
let registry: LoopbackRegistry | undefined;
let registryAddr: string;
const pushedRefs: string[] = [];

async function seedClusterApp(clusterName: string, imageRegistry: string, appSlug: string) {
  const cluster = await db.cluster.create({
    data: { name: clusterName, kubeconfigEncrypted: seal(UNREACHABLE_KUBECONFIG), server: "https://127.0.0.1:9", imageRegistry },
  });
  // A project of its own on that cluster (apps run where their project does).
  const app = await seedApp(db, { teamSlug: TEAM, projectSlug: appSlug, appSlug, gitUrl: repo.dir });
  await db.project.update({ where: { id: app.projectId }, data: { clusterId: cluster.id } });
  return app;
}

beforeAll(async () => {
  await ensureTestBaseImage();
  const dataDir = makeDataDir("registry-push");
  registry = await startLoopbackRegistry(path.join(dataDir, "registry"));
  registryAddr = registry.addr;
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  await allowLocalGitSources(db, true);
  repo = await createFixtureRepo({ version: "v1" });
  daemon = await createDaemon({ dataDir, databaseUrl: url, env: { SLIPWAY_SECRET_KEY: SECRET_KEY } });
  await daemon.start();
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  for (const ref of pushedRefs) await execFileAsync("podman", ["untag", ref]).catch(() => undefined);
  registry?.stop();
  await db?.$disconnect();
});

describe("pushing builds to a cluster's image registry", () => {
  it("embedded apps keep the clone, build, release steps", async () => {
    const app = await seedApp(db, { teamSlug: TEAM, appSlug: "plain", gitUrl: repo.dir });
    const buildId = await queueBuild(db, app.appId);
    const build = await waitForBuild(db, buildId);
    expect(build.error).toBeNull();
    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => s.name)).toEqual(["clone", "build", "release"]);
  });

  it("tags and pushes the built image where the cluster driver will pull it, with a push step and its log", async () => {
    const registryPrefix = `${registryAddr}/slipway`;
    const app = await seedClusterApp("kpush", registryPrefix, "web");
    const buildId = await queueBuild(db, app.appId);
    const build = await waitForBuild(db, buildId, 180_000);
    expect(build.error).toBeNull();
    expect(build.status).toBe("SUCCEEDED");

    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["clone", "SUCCEEDED"],
      ["build", "SUCCEEDED"],
      ["push", "SUCCEEDED"],
      ["release", "SUCCEEDED"],
    ]);

    const release = await db.release.findUniqueOrThrow({ where: { buildId } });
    // The release pins the tag to the manifest digest the registry stores: what the cluster pulls.
    expect(release.imageRef).toMatch(new RegExp(`^${build.imageRef!.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
    const digest = release.imageRef.slice(release.imageRef.indexOf("@") + 1);
    const pulled = clusterImageRef(build.imageRef!, registryPrefix);
    pushedRefs.push(pulled);
    expect(pulled).toBe(`${registryAddr}/slipway/slipway/app-${app.appId}:b1`);
    expect(clusterImageRef(release.imageRef, registryPrefix)).toBe(`${pulled}@${digest}`);

    const { repository, tag } = splitImageRef(pulled);
    const repoPath = repository.slice(registryAddr.length + 1);
    const tags = (await (await fetch(`http://${registryAddr}/v2/${repoPath}/tags/list`)).json()) as { tags?: string[] };
    expect(tags.tags).toContain(tag);
    const manifest = await fetch(`http://${registryAddr}/v2/${repoPath}/manifests/${tag}`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("docker-content-digest")).toBe(digest);

    const lines = (await db.buildLogLine.findMany({ where: { buildId, step: "push" }, orderBy: { id: "asc" } })).map((l) => l.line);
    expect(lines[0]).toBe(`pushing ${pulled}`);
    expect(lines).toContain(`pushed ${pulled}`);
    expect(lines.at(-1)).toBe(`digest ${digest}`);
  });

  it("fails the build with what to do when the registry cannot be reached, and makes no release", async () => {
    const deadRegistry = `127.0.0.1:${await freePort()}/slipway`;
    const app = await seedClusterApp("kdead", deadRegistry, "api");
    const buildId = await queueBuild(db, app.appId);
    const build = await waitForBuild(db, buildId, 180_000);
    expect(build.status).toBe("FAILED");
    expect(build.error).toContain(`Pushing the image to ${deadRegistry} failed`);
    expect(build.error).toMatch(/deploy again/);
    pushedRefs.push(clusterImageRef(build.imageRef!, deadRegistry));

    const steps = await db.buildStep.findMany({ where: { buildId }, orderBy: { position: "asc" } });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["clone", "SUCCEEDED"],
      ["build", "SUCCEEDED"],
      ["push", "FAILED"],
      ["release", "SKIPPED"],
    ]);
    expect(await db.release.count({ where: { buildId } })).toBe(0);
  });
});
