// Slipway's own releases on the test cluster's real node (kubelet + containerd on this host), end
// to end: slipwayd builds the app with Podman, pushes it to a Distribution registry on loopback,
// and the Deployment names it by digest; the cluster's app-node setting puts the pods on the real
// node, whose containerd pulls that digest. The app is reached the way a person reaches it on a
// cluster without an ingress controller: "open", through the API server's service proxy, with the
// same route handler the browser's requests go to. Then what real rollouts must get right: a
// redeploy under 50 rps through that path drops nothing, and a release that crashes, never gets
// ready, cannot pull its image, or runs out of memory ends FAILED with the cluster's reason while
// the previous release keeps serving; the app's pod logs reach the log view.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { Db } from "@/server/db";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as projectsRoute from "@/app/api/v1/projects/route";
import * as projectAppsRoute from "@/app/api/v1/projects/[projectId]/apps/route";
import * as deployRoute from "@/app/api/v1/apps/[appId]/deploy/route";
import * as openLinkRoute from "@/app/api/v1/apps/[appId]/open/route";
import * as logsRoute from "@/app/api/v1/apps/[appId]/logs/route";
import * as meRoute from "@/app/api/v1/me/route";
import * as openRoute from "@/app/open/[ticket]/[[...path]]/route";
import { createRelease } from "@/server/releases/create-release";
import { signOpenTicket } from "@/server/apps/open/open-ticket";
import { resetEnvForTests } from "@/server/env";
import { teamNamespace, workloadName } from "@/server/runtime/kubernetes/names";
import { BASE, call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { ensureTestCluster, until, type RealNode } from "../../support/kube-cluster";
import { requireRealNode } from "../../support/real-node";
import { startLoopbackRegistry, type LoopbackRegistry } from "../../support/loopback-registry";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import { TEST_BASE_IMAGE, ensureTestBaseImage } from "../../support/test-images";
import { rememberSeededApp } from "../../support/seeded-app-images";
import {
  allowLocalGitSources,
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  waitForBuild,
  waitForReleaseStatus,
  type DaemonProcess,
} from "../../support/daemon-harness";

// The test seals the kubeconfig (through the API) and slipwayd opens it: one key for both.
const SECRET_KEY = randomBytes(32).toString("hex");
process.env.SLIPWAY_SECRET_KEY = SECRET_KEY;

const RUN_ID = Date.now().toString(36);
const CLUSTER = `real-${RUN_ID}`;
/** A never-ready release fails after this long (slipwayd's cluster rollout limit, lowered for the test). */
const ROLLOUT_TIMEOUT_MS = 45_000;

let db: Db;
let daemon: DaemonProcess;
let registry: LoopbackRegistry;
let node: RealNode;
let admin: KubeConfig;
let repo: FixtureRepo;
let alice: string;
let bob: string;
let appId: string;
let namespace: string;
let openUrl: string;

async function deployAndSettle(): Promise<{ id: string; status: string; statusReason: string | null; imageRef: string; version: number }> {
  const res = await call(deployRoute.POST, "POST", `/api/v1/apps/${appId}/deploy`, { cookie: alice, params: { appId } });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  const build = await waitForBuild(db, res.json.build.id, 300_000);
  expect(build.status, build.error ?? "").toBe("SUCCEEDED");
  const release = await db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  return waitForReleaseStatus(db, release.id, ["LIVE", "FAILED"], 240_000);
}

/** One request through the open link, as the browser sends it (the route handler the page hits). */
async function openGet(under = ""): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await openRoute.GET(new Request(`${BASE}${openUrl}${under}`, { headers: { accept: "text/html" } }));
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const versionOf = (body: string) => /version (v\w+)/.exec(body)?.[1] ?? null;

async function appPods(releaseId?: string): Promise<V1Pod[]> {
  const selector = `slipway.dev/app-id=${appId}${releaseId ? `,slipway.dev/release=${releaseId}` : ""}`;
  return (await admin.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: selector })).items;
}

/** Commits a Dockerfile on the fixture base with this CMD (shell form), keeping index.html. */
async function commitCmd(cmd: string, message: string): Promise<void> {
  await repo.commitFiles({ Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN mkdir -p /www && echo ok > /www/index.html\nCMD ${cmd}\n` }, message);
}

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  node = requireRealNode(cluster);
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  await ensureTestBaseImage();
  const dataDir = makeDataDir("real-node-apps");
  registry = await startLoopbackRegistry(path.join(dataDir, "registry"));
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  // The web and slipwayd share a data dir (the daemon's token): logs are read through slipwayd.
  const web = setupApiTestEnv({ databaseUrl: url });
  await allowLocalGitSources(db, true);
  alice = await signUp(`alice${RUN_ID}@example.test`);
  bob = await signUp(`bob${RUN_ID}@example.test`);

  const registered = await call(clustersRoute.POST, "POST", "/api/v1/clusters", {
    cookie: alice,
    body: {
      name: CLUSTER,
      kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8"),
      imageRegistry: `${registry.addr}/slipway`,
      appNodeSelector: `${node.label}=true`,
    },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  expect(registered.json).toMatchObject({ reachable: true, ingressDomain: "", appNodeSelector: `${node.label}=true` });

  const project = await call(projectsRoute.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "notes", runtimeTarget: `cluster:${CLUSTER}` } });
  expect(project.status, JSON.stringify(project.json)).toBe(201);
  repo = await createFixtureRepo({ version: "v1" });
  // A root-relative link: the API server rewrites it to its proxy path, Slipway to the open link.
  await repo.commitFiles({ "index.html": '<!doctype html><html><body><p id="version">version v1</p><a href="/about.html">about</a></body></html>\n' }, "v1 with a link");
  const app = await call(projectAppsRoute.POST, "POST", `/api/v1/projects/${project.json.id}/apps`, {
    cookie: alice,
    params: { projectId: project.json.id },
    body: { slug: "web", gitUrl: repo.fileUrl, replicas: 2, cpuMillicores: 250, memoryMib: 64, containerPort: 8080, healthCheckPath: "/" },
  });
  expect(app.status, JSON.stringify(app.json)).toBe(201);
  appId = app.json.id;
  rememberSeededApp(appId);
  const me = await call(meRoute.GET, "GET", "/api/v1/me", { cookie: alice });
  namespace = teamNamespace(me.json.team.slug);
  // Another test's clean-up may still be deleting this team's namespace (its real pods take their
  // grace period). Slipway copes (it sets the namespace up again once it is gone), but this
  // file's rollout limits are short, so it starts once the namespace is gone or in use.
  await until(`namespace ${namespace} not terminating`, async () => {
    const ns = await admin.makeApiClient(CoreV1Api).readNamespace({ name: namespace }).catch(() => null);
    return !ns || ns.status?.phase !== "Terminating" ? true : undefined;
  }, 180_000);

  daemon = await createDaemon({ dataDir: web.dataDir, databaseUrl: url, env: { SLIPWAY_SECRET_KEY: SECRET_KEY, SLIPWAY_CLUSTER_ROLLOUT_TIMEOUT_MS: String(ROLLOUT_TIMEOUT_MS) } });
  await daemon.start();
  process.env.SLIPWAY_DAEMON_PORT = String(daemon.apiPort);
  resetEnvForTests();
}, 600_000);

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) await cleanupDaemonResources(daemon.dataDir);
  if (namespace) await admin?.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch((e: unknown) => console.warn(`deleting ${namespace}: ${String(e)}`));
  registry?.stop();
  await db?.$disconnect();
});

describe("apps on the real node, opened through the API server", () => {
  it("builds, pushes and pulls the app by digest onto the real node, and serves it through the open link", async () => {
    const v1 = await deployAndSettle();
    expect(v1.status, v1.statusReason ?? "").toBe("LIVE");
    const digest = /@(sha256:[0-9a-f]{64})$/.exec(v1.imageRef)?.[1];
    expect(digest, v1.imageRef).toBeDefined();

    const deployment = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(appId), namespace });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toMatch(new RegExp(`^${registry.addr.replace(/\./g, "\\.")}/slipway/.+@${digest}$`));
    const pods = (await appPods(v1.id)).filter((p) => !p.metadata?.deletionTimestamp);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec?.nodeName, "placed by the cluster's app-node setting").toBe(node.name);
      const status = pod.status?.containerStatuses?.[0];
      expect(status?.ready).toBe(true);
      // What containerd actually pulled: the pushed manifest's digest.
      expect(status?.imageID).toMatch(new RegExp(`@${digest}$`));
      // One run-as policy: the release's numbers, as on the embedded runtime.
      expect(pod.spec?.securityContext?.runAsUser).toBe(10001);
    }

    const link = await call(openLinkRoute.POST, "POST", `/api/v1/apps/${appId}/open`, { cookie: alice, params: { appId } });
    expect(link.status, JSON.stringify(link.json)).toBe(201);
    expect(link.json.url).toMatch(/^\/open\/[^/]+\/$/);
    openUrl = link.json.url;
    const page = await openGet();
    expect(page.status, page.body).toBe(200);
    expect(versionOf(page.body)).toBe("v1");
    expect(page.body).toContain(`href="${openUrl}about.html"`);
    expect(page.headers.get("content-security-policy")).toMatch(/sandbox allow-scripts/);
    // Without the trailing slash relative links would miss the app: redirected.
    const bare = await openRoute.GET(new Request(`${BASE}${openUrl.slice(0, -1)}`));
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe(openUrl);
    // A path the app does not have is the app's own 404, not Slipway's.
    expect((await openGet("missing.html")).status).toBe(404);
  });

  it("keeps the app to its team: another team cannot make a link, a link made for someone outside the team opens nothing, a forged one neither", async () => {
    const theirs = await call(openLinkRoute.POST, "POST", `/api/v1/apps/${appId}/open`, { cookie: bob, params: { appId } });
    expect(theirs.status).toBe(404);
    const bobId = (await db.user.findFirstOrThrow({ where: { email: `bob${RUN_ID}@example.test` } })).id;
    const forBob = signOpenTicket({ appId, userId: bobId, expiresAt: new Date(Date.now() + 60_000) });
    expect((await openRoute.GET(new Request(`${BASE}/open/${forBob}/`))).status).toBe(404);
    const ticket = openUrl.split("/")[2]!;
    const forged = `${ticket.slice(0, -4)}AAAA`;
    expect((await openRoute.GET(new Request(`${BASE}/open/${forged}/`))).status).toBe(404);
    const expired = signOpenTicket({ appId, userId: (await db.user.findFirstOrThrow({ where: { email: `alice${RUN_ID}@example.test` } })).id, expiresAt: new Date(Date.now() - 1000) });
    const gone = await openRoute.GET(new Request(`${BASE}/open/${expired}/`));
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toMatch(/expired.*open the app again/);
  });

  it("redeploys while a client requests it at 50 rps through the open link, and fails none", async () => {
    await repo.commitVersion("v2");
    const results: { status: number; version: string | null; error?: string }[] = [];
    let stop = false;
    const inFlight = new Set<Promise<void>>();
    const load = (async () => {
      const started = Date.now();
      for (let i = 0; !stop; i++) {
        // Paced by the clock, not by the answers: 50 requests a second whatever each takes.
        const due = started + i * 20;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const p = openGet().then(
          (r) => void results.push({ status: r.status, version: versionOf(r.body), error: r.status === 200 ? undefined : r.body.slice(0, 300) }),
          (e: unknown) => void results.push({ status: 0, version: null, error: String(e) }),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    })();
    const v2 = await deployAndSettle();
    expect(v2.status, v2.statusReason ?? "").toBe("LIVE");
    // Past the old pods' ending too: their preStop sleep, SIGTERM and removal from the endpoints.
    const oldPodsGone = Date.now() + 90_000;
    while (Date.now() < oldPodsGone && (await appPods()).some((p) => p.metadata?.labels?.["slipway.dev/release"] !== v2.id)) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await load;
    await Promise.all(inFlight);

    const failed = results.filter((r) => r.status !== 200);
    console.log(`redeploy under load through the API server: ${results.length} requests, ${failed.length} failed`);
    expect(failed.slice(0, 3)).toEqual([]);
    expect(results.length).toBeGreaterThan(500);
    expect(results.some((r) => r.version === "v1")).toBe(true);
    expect(results.slice(-20).every((r) => r.version === "v2")).toBe(true);
    expect((await appPods()).every((p) => p.spec?.nodeName === node.name)).toBe(true);
  }, 400_000);

  it("streams the pods' logs into the log view, live", async () => {
    const controller = new AbortController();
    const res = await logsRoute.GET(new Request(`${BASE}/api/v1/apps/${appId}/logs?tail=1`, { headers: { cookie: alice, origin: BASE }, signal: controller.signal }), {
      params: Promise.resolve({ appId }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // A request the app logs (busybox httpd -vv logs each URL) after the stream is open: it can
    // only arrive by following the pod's log.
    const probe = `log-probe-${randomBytes(4).toString("hex")}`;
    let text = "";
    let asked = false;
    const deadline = Date.now() + 30_000;
    while (!text.includes(`url:/${probe}`) && Date.now() < deadline) {
      if (!asked && text.includes("event: line")) {
        asked = true;
        expect((await openGet(probe)).status).toBe(404);
      }
      const { value, done } = await Promise.race([reader.read(), new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), 5000))]);
      if (done && !value) {
        if (asked) break;
        asked = true;
        expect((await openGet(probe)).status).toBe(404);
        continue;
      }
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined); // the stream was aborted on purpose
    // slipwayd collected the pod's log through the API server into its store; the live view
    // streams it from there in batches ("lines" events).
    const frame = text.split("\n").find((l) => l.startsWith("data: ") && l.includes(`url:/${probe}`));
    expect(frame, text.slice(-2000)).toBeDefined();
    const line = (JSON.parse(frame!.slice("data: ".length)) as { line: string }[]).find((l) => l.line.includes(`url:/${probe}`));
    // Each line says which pod printed it.
    expect(line).toMatchObject({ stream: "stdout", replica: expect.stringMatching(new RegExp(`^${workloadName(appId)}-`)) });
  });

  it("fails a release whose container crashes with the exit code, and v2 keeps serving", async () => {
    await commitCmd(`echo "notes: cannot reach the database" && exit 3`, "crashes at start");
    const r = await deployAndSettle();
    console.log(`FAILED as: ${r.statusReason}`);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/exited with code 3/);
    expect(r.statusReason).toMatch(/CrashLoopBackOff/);
    expect(versionOf((await openGet()).body)).toBe("v2");
  }, 400_000);

  it("fails a release that is killed for exceeding its memory limit, saying so, and v2 keeps serving", async () => {
    // One process, PID 1, doubling a string until the kernel kills it at the app's 64 MiB limit
    // (a pipeline would let the OOM killer pick a helper process and the shell live on).
    await commitCmd(`echo allocating && exec awk 'BEGIN { s = "0123456789abcdef"; while (1) s = s s }'`, "runs out of memory");
    const r = await deployAndSettle();
    console.log(`FAILED as: ${r.statusReason}`);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/was killed: out of memory \(limit 64Mi\)/);
    expect(versionOf((await openGet()).body)).toBe("v2");
  }, 400_000);

  it("fails a release that never becomes ready within the rollout limit, with the cluster's word, and v2 keeps serving", async () => {
    // Serves, but its health check path (/) answers 404: the readiness probe never passes.
    await commitCmd(`mkdir -p /tmp/empty && exec httpd -f -p 8080 -h /tmp/empty`, "never ready");
    const r = await deployAndSettle();
    console.log(`FAILED as: ${r.statusReason}`);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/did not finish in 45 s/);
    expect(r.statusReason).toMatch(/health check path/);
    // The kubelet's own words about the probe, not only a replica count.
    expect(r.statusReason).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 404/);
    expect(versionOf((await openGet()).body)).toBe("v2");
  }, 400_000);

  it("fails a release whose image cannot be pulled, as a pull failure, and v2 keeps serving", async () => {
    const live = await db.release.findFirstOrThrow({ where: { appId, status: "LIVE" } });
    // The live image's tag pinned to a digest the registry never stored (as after a registry's
    // garbage collection): containerd cannot pull it.
    const missing = `${live.imageRef.slice(0, live.imageRef.indexOf("@"))}@sha256:${"0".repeat(64)}`;
    const made = await createRelease({ db, appId, imageRef: missing, imageDigest: live.imageDigest, runAs: { uid: live.runAsUid ?? 10001, gid: live.runAsGid, imageUser: live.imageUser ?? "" } });
    const r = await waitForReleaseStatus(db, made.id, ["LIVE", "FAILED"], 240_000);
    console.log(`FAILED as: ${r.statusReason}`);
    expect(r.status).toBe("FAILED");
    expect(r.statusReason).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(r.statusReason).toMatch(/not found|failed to resolve|manifest unknown|pull/i);
    expect(versionOf((await openGet()).body)).toBe("v2");
  }, 300_000);

  it("leaves the app's pods on the real node only, none of them from a failed release", async () => {
    const live = await db.release.findFirstOrThrow({ where: { appId, status: "LIVE" } });
    const deadline = Date.now() + 90_000;
    let pods = await appPods();
    while (Date.now() < deadline && pods.some((p) => p.metadata?.labels?.["slipway.dev/release"] !== live.id)) {
      await new Promise((r) => setTimeout(r, 1000));
      pods = await appPods();
    }
    expect(pods.map((p) => p.metadata?.labels?.["slipway.dev/release"])).toEqual([live.id, live.id]);
  }, 120_000);
});
