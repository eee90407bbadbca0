// Registering Kubernetes clusters and choosing a project's runtime target, through the real route
// handlers with real sessions and SQLite. No cluster is needed: an unreachable server (a closed
// loopback port) and a loopback stand-in for GET /version cover the probe's two outcomes; the real
// test control plane is used too when SLIPWAY_TEST_KUBECONFIG points at it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import { createFixtureRepo, type FixtureRepo } from "../../support/git-fixtures";
import * as clusters from "@/app/api/v1/clusters/route";
import * as clusterRoute from "@/app/api/v1/clusters/[clusterId]/route";
import * as checkRoute from "@/app/api/v1/clusters/[clusterId]/check/route";
import * as projects from "@/app/api/v1/projects/route";
import * as projectRoute from "@/app/api/v1/projects/[projectId]/route";
import * as projectApps from "@/app/api/v1/projects/[projectId]/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as platform from "@/app/api/v1/platform/settings/route";
import { getDb } from "@/server/db";
import { open } from "@/server/crypto/secret-box";
import { getClusterKubeconfig } from "@/server/clusters/get-cluster-kubeconfig";
import { runtimeTargetOf } from "@/server/runtime/runtime-target";

/** Where the project runs, as stored (its cluster relation), in the API's spelling. */
async function projectTarget(projectId: string): Promise<string> {
  return runtimeTargetOf((await getDb().project.findUniqueOrThrow({ where: { id: projectId }, include: { cluster: { select: { name: true } } } })).cluster);
}

const TOKEN = "s3cr3t-bearer-token-that-must-never-leak";

function kubeconfig(server: string, user = `    token: ${TOKEN}`): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    `    server: ${server}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: admin",
    "  user:",
    user,
    "contexts:",
    "- name: test",
    "  context:",
    "    cluster: test",
    "    user: admin",
    "current-context: test",
    "",
  ].join("\n");
}

/** Answers GET /version like an API server; a request with the wrong token gets 401. */
function versionServer(): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify({ kind: "Status", status: "Failure", message: "Unauthorized", code: 401 }));
      return;
    }
    res.end(JSON.stringify({ major: "1", minor: "37", gitVersion: "v1.37.0-stand-in", platform: "linux/amd64" }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let alice: string; // platform admin, owner of "default"
let bob: string; // owner of team "bob", not a platform admin
let repo: FixtureRepo;
let stub: Server;
let stubUrl: string;
let unreachableId: string;
let prodId: string;
let projectId: string;
let appId: string;

beforeAll(async () => {
  setupApiTestEnv();
  alice = await signUp("alice@example.test");
  bob = await signUp("bob@example.test");
  repo = await createFixtureRepo();
  stub = await versionServer();
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve())));

describe("registering clusters", () => {
  it("refuses anyone but a platform admin (403) and stores nothing", async () => {
    const res = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: bob, body: { name: "prod", kubeconfig: kubeconfig(stubUrl) } });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/Only a platform admin/);
    expect(await getDb().cluster.count()).toBe(0);
  });

  it("refuses an unreadable kubeconfig (422) saying what is wrong, and stores nothing", async () => {
    const cases: [string, RegExp][] = [
      ["clusters: [unclosed", /not valid YAML: .*line/],
      ["just a string", /must be a YAML mapping/],
      [kubeconfig(stubUrl).replace("current-context: test", "current-context: nope"), /no current context/],
      [kubeconfig(stubUrl, "    exec:\n      command: /bin/sh\n      apiVersion: client.authentication.k8s.io/v1"), /user "admin" runs a command.*"exec"/],
      [kubeconfig(stubUrl, "    token-file: /etc/shadow"), /reads its token from a file \("token-file"\)/],
      [kubeconfig(stubUrl, "    client-certificate: /root/cert.pem\n    client-key: /root/key.pem"), /"client-certificate".*"client-key"/],
      [kubeconfig(stubUrl).replace("    insecure-skip-tls-verify: true", "    certificate-authority: /etc/ca.pem"), /cluster "test" reads its CA from a file/],
      ["x".repeat(256 * 1024 + 1), /at most 256 KiB/],
    ];
    for (const [text, message] of cases) {
      const res = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "prod", kubeconfig: text } });
      expect(res.status, text.slice(0, 60)).toBe(422);
      expect(res.json.error.message, text.slice(0, 60)).toMatch(message);
      expect(res.json.error.fields[0].path).toBe("kubeconfig");
    }
    const badName = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "Prod_1", kubeconfig: kubeconfig(stubUrl) } });
    expect(badName.status).toBe(422);
    expect(badName.json.error.fields[0].path).toBe("name");
    expect(await getDb().cluster.count()).toBe(0);
  });

  it("registers a cluster on a closed port as unreachable, with the reason and what to do", async () => {
    const text = kubeconfig("https://127.0.0.1:9");
    const res = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "offline", kubeconfig: text } });
    expect(res.status).toBe(201);
    unreachableId = res.json.id;
    expect(res.json).toMatchObject({ name: "offline", target: "cluster:offline", server: "https://127.0.0.1:9", reachable: false, version: null, ingressNamespace: "ingress-nginx" });
    expect(res.json.lastError).toMatch(/ECONNREFUSED/);
    expect(res.json.hint).toMatch(/Nothing accepts connections/);
    expect(res.json.lastCheckedAt).toBeTruthy();
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
    expect(res.json).not.toHaveProperty("kubeconfig");
    expect(res.json).not.toHaveProperty("kubeconfigEncrypted");

    const row = await getDb().cluster.findUniqueOrThrow({ where: { id: unreachableId } });
    expect(row.kubeconfigEncrypted).not.toContain(TOKEN);
    expect(row.kubeconfigEncrypted).not.toContain("apiVersion");
    expect(open(row.kubeconfigEncrypted)).toBe(text);
    expect(row.lastError).toMatch(/ECONNREFUSED/);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "cluster.register" } });
    expect(audit.data).not.toContain(TOKEN);
  });

  it("registers a reachable cluster with its version and settings; a duplicate name is 409", async () => {
    const res = await call(clusters.POST, "POST", "/api/v1/clusters", {
      cookie: alice,
      body: { name: "prod", kubeconfig: kubeconfig(stubUrl), imageRegistry: "127.0.0.1:5055/slipway", ingressClassName: "nginx", ingressDomain: "apps.example.test", storageClassName: "fast-ssd" },
    });
    expect(res.status).toBe(201);
    prodId = res.json.id;
    expect(res.json).toMatchObject({ reachable: true, version: "v1.37.0-stand-in", lastError: null, hint: null, imageRegistry: "127.0.0.1:5055/slipway", ingressClassName: "nginx", storageClassName: "fast-ssd" });
    const again = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "prod", kubeconfig: kubeconfig(stubUrl) } });
    expect(again.status).toBe(409);
    expect(await getDb().cluster.count()).toBe(2);
  });

  it("records refused credentials as unreachable with an HTTP 401 reason", async () => {
    const res = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "wrong-token", kubeconfig: kubeconfig(stubUrl, "    token: not-the-token") } });
    expect(res.status).toBe(201);
    expect(res.json.reachable).toBe(false);
    expect(res.json.lastError).toMatch(/HTTP 401: Unauthorized/);
    expect(res.json.hint).toMatch(/refused the credentials/);
    const del = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${res.json.id}`, { cookie: alice, params: { clusterId: res.json.id } });
    expect(del.status).toBe(204);
  });

  it.skipIf(!process.env.SLIPWAY_TEST_KUBECONFIG)("registers the test control plane as reachable with its real version", async () => {
    const text = readFileSync(process.env.SLIPWAY_TEST_KUBECONFIG!, "utf8");
    const res = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: alice, body: { name: "kwok", kubeconfig: text } });
    expect(res.status).toBe(201);
    expect(res.json.reachable).toBe(true);
    expect(res.json.version).toMatch(/^v1\.\d+/);
    await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${res.json.id}`, { cookie: alice, params: { clusterId: res.json.id } });
  });
});

describe("reading, checking and changing clusters", () => {
  it("lets any member list and read clusters, never with the kubeconfig", async () => {
    const list = await call(clusters.GET, "GET", "/api/v1/clusters", { cookie: bob });
    expect(list.status).toBe(200);
    expect(list.json.map((c: { name: string }) => c.name)).toEqual(["offline", "prod"]); // "wrong-token" was deleted
    expect(JSON.stringify(list.json)).not.toContain(TOKEN);
    for (const c of list.json) expect(Object.keys(c).filter((k) => /kubeconfig/i.test(k))).toEqual([]);
    expect(JSON.stringify(list.json)).not.toContain("current-context");
    const one = await call(clusterRoute.GET, "GET", `/api/v1/clusters/${prodId}`, { cookie: bob, params: { clusterId: prodId } });
    expect(one.status).toBe(200);
    expect(one.json.name).toBe("prod");
    expect(Object.keys(one.json).filter((k) => /kubeconfig/i.test(k))).toEqual([]);
    expect(JSON.stringify(one.json)).not.toContain(TOKEN);
    const missing = await call(clusterRoute.GET, "GET", "/api/v1/clusters/nope", { cookie: bob, params: { clusterId: "nope" } });
    expect(missing.status).toBe(404);
    expect((await call(clusters.GET, "GET", "/api/v1/clusters")).status).toBe(401);
  });

  it("checks a cluster again (platform admin only) and records when", async () => {
    const before = await getDb().cluster.findUniqueOrThrow({ where: { id: unreachableId } });
    const denied = await call(checkRoute.POST, "POST", `/api/v1/clusters/${unreachableId}/check`, { cookie: bob, params: { clusterId: unreachableId } });
    expect(denied.status).toBe(403);
    const res = await call(checkRoute.POST, "POST", `/api/v1/clusters/${unreachableId}/check`, { cookie: alice, params: { clusterId: unreachableId } });
    expect(res.status).toBe(200);
    expect(res.json.reachable).toBe(false);
    expect(new Date(res.json.lastCheckedAt).getTime()).toBeGreaterThanOrEqual(before.lastCheckedAt!.getTime());
    const ok = await call(checkRoute.POST, "POST", `/api/v1/clusters/${prodId}/check`, { cookie: alice, params: { clusterId: prodId } });
    expect(ok.json).toMatchObject({ reachable: true, version: "v1.37.0-stand-in" });
  });

  it("updates settings and the kubeconfig (platform admin only); the name cannot change", async () => {
    const denied = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${unreachableId}`, { cookie: bob, params: { clusterId: unreachableId }, body: { ingressDomain: "x.example.test" } });
    expect(denied.status).toBe(403);
    const rename = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${unreachableId}`, { cookie: alice, params: { clusterId: unreachableId }, body: { name: "other" } });
    expect(rename.status).toBe(422);
    const bad = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${unreachableId}`, { cookie: alice, params: { clusterId: unreachableId }, body: { imageRegistry: "https://registry.example.test" } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields[0].path).toBe("imageRegistry");
    // A corrected kubeconfig is probed at once: the cluster becomes reachable.
    const fixed = await call(clusterRoute.PATCH, "PATCH", `/api/v1/clusters/${unreachableId}`, {
      cookie: alice,
      params: { clusterId: unreachableId },
      body: { kubeconfig: kubeconfig(stubUrl), ingressDomain: "apps.offline.test" },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ name: "offline", reachable: true, server: stubUrl, ingressDomain: "apps.offline.test", lastError: null });
  });

  it("sets the storage class of volumes' claims per cluster: a DNS name, \"\" for the default class", async () => {
    const path = `/api/v1/clusters/${unreachableId}`;
    const params = { clusterId: unreachableId };
    const bad = await call(clusterRoute.PATCH, "PATCH", path, { cookie: alice, params, body: { storageClassName: "Fast SSD" } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields[0].path).toBe("storageClassName");
    const set = await call(clusterRoute.PATCH, "PATCH", path, { cookie: alice, params, body: { storageClassName: "local-path" } });
    expect(set.json.storageClassName).toBe("local-path");
    expect((await getClusterKubeconfig({ clusterName: "offline" })).storageClassName).toBe("local-path");
    const list = await call(clusters.GET, "GET", "/api/v1/clusters", { cookie: bob });
    expect(list.json.map((c: { name: string; storageClassName: string }) => [c.name, c.storageClassName])).toEqual([["offline", "local-path"], ["prod", "fast-ssd"]]);
    const cleared = await call(clusterRoute.PATCH, "PATCH", path, { cookie: alice, params, body: { storageClassName: "" } });
    expect(cleared.json.storageClassName).toBe("");
  });

  it("gives runtime drivers the decrypted kubeconfig server-side", async () => {
    const conn = await getClusterKubeconfig({ clusterName: "prod" });
    expect(conn.kubeconfig).toBe(kubeconfig(stubUrl));
    expect(conn.imageRegistry).toBe("127.0.0.1:5055/slipway");
  });
});

describe("a project's runtime target", () => {
  it("refuses a missing cluster on create (422) and accepts a registered one", async () => {
    const missing = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop", runtimeTarget: "cluster:nope" } });
    expect(missing.status).toBe(422);
    expect(missing.json.error.message).toMatch(/No cluster named nope is registered. Choose one of: embedded, cluster:offline, cluster:prod/);
    expect(missing.json.error.fields[0].path).toBe("runtimeTarget");
    expect(await getDb().project.count()).toBe(0);
    const onCluster = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "batch", runtimeTarget: "cluster:prod" } });
    expect(onCluster.status).toBe(201);
    expect(onCluster.json.runtimeTarget).toBe("cluster:prod");
  });

  it("moves a project and its apps to a cluster (200), refusing a missing one (422)", async () => {
    await call(platform.PUT, "PUT", "/api/v1/platform/settings", { cookie: alice, body: { allowLocalGitSources: true } });
    const created = await call(projects.POST, "POST", "/api/v1/projects", { cookie: alice, body: { slug: "shop" } });
    projectId = created.json.id;
    const app = await call(projectApps.POST, "POST", `/api/v1/projects/${projectId}/apps`, { cookie: alice, params: { projectId }, body: { slug: "web", gitUrl: repo.fileUrl } });
    expect(app.status).toBe(201);
    appId = app.json.id;

    const params = { projectId };
    const missing = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: alice, params, body: { runtimeTarget: "cluster:nope" } });
    expect(missing.status).toBe(422);
    expect(missing.json.error.message).toMatch(/No cluster named nope/);
    const malformed = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: alice, params, body: { runtimeTarget: "kubernetes" } });
    expect(malformed.status).toBe(422);
    expect(await projectTarget(projectId)).toBe("embedded");

    const moved = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: alice, params, body: { runtimeTarget: "cluster:prod" } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ id: projectId, runtimeTarget: "cluster:prod", appCount: 1 });
    expect(moved.json.warning).toBeUndefined(); // nothing deployed yet
    // Its apps run where it does: the app's own view says so.
    const seen = await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: alice, params: { appId } });
    expect(seen.json.runtimeTarget).toBe("cluster:prod");
  });

  it("warns that deployed apps move at their next deploy", async () => {
    const db = getDb();
    const row = await db.app.findUniqueOrThrow({ where: { id: appId } });
    const release = await db.release.create({
      data: { teamId: row.teamId, appId, version: 1, imageRef: "localhost/web:1", imageDigest: "sha256:" + "0".repeat(64), configSnapshot: "{}", status: "LIVE" },
    });
    await db.app.update({ where: { id: appId }, data: { liveReleaseId: release.id } });
    const res = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: alice, params: { projectId }, body: { runtimeTarget: "embedded" } });
    expect(res.status).toBe(200);
    expect(res.json.runtimeTarget).toBe("embedded");
    expect(res.json.warning).toMatch(/1 deployed app\(s\) \(web\) move from cluster:prod to embedded at their next deploy/);
    expect((await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { cookie: alice, params: { appId } })).json.runtimeTarget).toBe("embedded");
    const back = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: alice, params: { projectId }, body: { runtimeTarget: "cluster:prod" } });
    expect(back.json.warning).toMatch(/Until then they are not served/);
  });

  it("keeps tenancy: another team's project is 404 and unchanged; each team lists only its own targets", async () => {
    const res = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${projectId}`, { cookie: bob, params: { projectId }, body: { runtimeTarget: "embedded" } });
    expect(res.status).toBe(404);
    expect(await projectTarget(projectId)).toBe("cluster:prod");
    const own = await call(projects.POST, "POST", "/api/v1/projects", { cookie: bob, body: { slug: "blog", runtimeTarget: "cluster:offline" } });
    expect(own.status).toBe(201);
    const list = await call(projects.GET, "GET", "/api/v1/projects", { cookie: bob });
    expect(list.json.map((p: { slug: string; runtimeTarget: string }) => [p.slug, p.runtimeTarget])).toEqual([["blog", "cluster:offline"]]);
  });
});

describe("deleting clusters", () => {
  it("refuses a non-admin (403) and a cluster in use (409, naming its projects)", async () => {
    const denied = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${prodId}`, { cookie: bob, params: { clusterId: prodId } });
    expect(denied.status).toBe(403);
    const inUse = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${prodId}`, { cookie: alice, params: { clusterId: prodId } });
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.message).toMatch(/runtime target of 2 project\(s\): default\/batch, default\/shop/);
    expect(inUse.json.error.details.projects).toEqual(["default/batch", "default/shop"]);
    expect(await getDb().cluster.count({ where: { id: prodId } })).toBe(1);
  });

  it("deletes a cluster once no project targets it", async () => {
    for (const p of await getDb().project.findMany({ where: { clusterId: prodId } })) {
      const res = await call(projectRoute.PATCH, "PATCH", `/api/v1/projects/${p.id}`, { cookie: alice, params: { projectId: p.id }, body: { runtimeTarget: "embedded" } });
      expect(res.status).toBe(200);
    }
    const res = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${prodId}`, { cookie: alice, params: { clusterId: prodId } });
    expect(res.status).toBe(204);
    expect(await getDb().cluster.count({ where: { id: prodId } })).toBe(0);
    const gone = await call(clusterRoute.DELETE, "DELETE", `/api/v1/clusters/${prodId}`, { cookie: alice, params: { clusterId: prodId } });
    expect(gone.status).toBe(404);
  });
});
