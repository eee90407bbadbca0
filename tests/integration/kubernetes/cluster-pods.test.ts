// The cluster view's pod listing against the real test control plane (kube-apiserver built from
// source, KWOK running the pods), through the real route handlers with real sessions: a platform
// admin sees every Slipway-managed pod, a team member only their team's, across paginated pages.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { ensureTestCluster, until } from "../../support/kube-cluster";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import * as clusters from "@/app/api/v1/clusters/route";
import * as podsRoute from "@/app/api/v1/clusters/[clusterId]/pods/route";
import { LABEL, MANAGED_BY, teamNamespace } from "@/server/runtime/kubernetes/names";
import type { ManagedPodDto, ManagedPodPage } from "@/server/clusters/pod-schemas";

const run = randomBytes(3).toString("hex");
const bobTeam = `bob-${run}`;
const carolTeam = `carol-${run}`;
let admin: KubeConfig;
let alice: string; // platform admin
let bob: string; // owner of team bob-<run>
let carol: string; // owner of team carol-<run>
let clusterId: string;

function labels(team: string, project: string, app: string, release: string): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.team]: team,
    [LABEL.project]: project,
    [LABEL.app]: app,
    [LABEL.appId]: `${team}-${project}-${app}`,
    [LABEL.release]: release,
  };
}

function pod(name: string, podLabels: Record<string, string>): V1Pod {
  return {
    metadata: { name, labels: podLabels },
    spec: { automountServiceAccountToken: false, containers: [{ name: "app", image: "localhost/slipway/test:1" }] },
  };
}

/** Every page of the listing, as the cluster view loads it. */
async function listAll(cookie: string, limit: number): Promise<{ items: ManagedPodDto[]; pages: ManagedPodPage[] }> {
  const pages: ManagedPodPage[] = [];
  let token: string | null = null;
  do {
    const qs: string = new URLSearchParams({ limit: String(limit), ...(token ? { continue: token } : {}) }).toString();
    const res = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods?${qs}`, { cookie, params: { clusterId } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    pages.push(res.json as ManagedPodPage);
    token = (res.json as ManagedPodPage).continueToken;
  } while (token && pages.length < 1000);
  return { items: pages.flatMap((p) => p.items), pages };
}

const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  setupApiTestEnv();
  alice = await signUp(`alice-${run}@example.test`);
  bob = await signUp(`${bobTeam}@example.test`);
  carol = await signUp(`${carolTeam}@example.test`);
  const registered = await call(clusters.POST, "POST", "/api/v1/clusters", {
    cookie: alice,
    body: { name: `kwok-${run}`, kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8") },
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  expect(registered.json.reachable).toBe(true);
  clusterId = registered.json.id;

  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  for (const team of [bobTeam, carolTeam]) {
    await core.createNamespace({ body: { metadata: { name: teamNamespace(team), labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.team]: team } } } });
    // The ServiceAccount admission plugin refuses pods until the namespace's default account exists.
    await until(`default service account in ${teamNamespace(team)}`, () => core.readNamespacedServiceAccount({ name: "default", namespace: teamNamespace(team) }));
  }
  const deployment = (team: string, project: string, app: string, replicas: number) => {
    const podLabels = labels(team, project, app, `rel-1-${run}`);
    return apps.createNamespacedDeployment({
      namespace: teamNamespace(team),
      body: {
        metadata: { name: `${project}-${app}`, labels: podLabels },
        spec: {
          replicas,
          selector: { matchLabels: { [LABEL.appId]: podLabels[LABEL.appId]! } },
          template: { metadata: { labels: podLabels }, spec: pod("x", podLabels).spec },
        },
      },
    });
  };
  await deployment(bobTeam, "shop", "web", 3);
  await deployment(carolTeam, "blog", "api", 2);
  for (const i of [1, 2]) await core.createNamespacedPod({ namespace: teamNamespace(carolTeam), body: pod(`blog-worker-${i}`, labels(carolTeam, "blog", "worker", `rel-1-${run}`)) });
  // Not Slipway's: no managed-by label (its team label alone must not make it appear).
  await core.createNamespacedPod({ namespace: teamNamespace(bobTeam), body: pod("stray", { [LABEL.team]: bobTeam, app: "stray" }) });

  for (const [team, expected] of [[bobTeam, 3], [carolTeam, 4]] as const) {
    await until(`${expected} running Slipway pods in ${teamNamespace(team)}`, async () => {
      const list = await core.listNamespacedPod({ namespace: teamNamespace(team), labelSelector: `${LABEL.managedBy}=${MANAGED_BY}` });
      const running = list.items.filter((p) => p.status?.phase === "Running" && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
      return running.length === expected ? true : undefined;
    });
  }
}, 600_000);

afterAll(async () => {
  const core = admin?.makeApiClient(CoreV1Api);
  for (const team of [bobTeam, carolTeam]) await core?.deleteNamespace({ name: teamNamespace(team) }).catch(() => undefined);
});

describe("GET /api/v1/clusters/<id>/pods", () => {
  it("shows a platform admin every Slipway-managed pod of the cluster, in compact form, and no unlabelled pod", async () => {
    const { items, pages } = await listAll(alice, 500);
    expect(pages[0]?.scope).toBe("cluster");
    const ours = items.filter((p) => p.team === bobTeam || p.team === carolTeam);
    expect(ours).toHaveLength(7);
    expect(ours.filter((p) => p.namespace === teamNamespace(bobTeam)).map((p) => p.app)).toEqual(["web", "web", "web"]);
    expect(ours.filter((p) => p.namespace === teamNamespace(carolTeam)).map((p) => p.app).sort()).toEqual(["api", "api", "worker", "worker"]);
    expect(items.some((p) => p.name === "stray")).toBe(false);
    const worker = ours.find((p) => p.name === "blog-worker-1")!;
    expect(worker).toEqual({
      namespace: teamNamespace(carolTeam),
      name: "blog-worker-1",
      team: carolTeam,
      project: "blog",
      app: "worker",
      appId: `${carolTeam}-blog-worker`,
      releaseId: `rel-1-${run}`,
      phase: "Running",
      reason: null,
      ready: true,
      restarts: 0,
      node: expect.stringMatching(/\S/),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("shows a team member only their own team's pods", async () => {
    const bobs = await listAll(bob, 500);
    expect(bobs.pages[0]).toMatchObject({ scope: "team", namespace: teamNamespace(bobTeam) });
    expect(bobs.items.map((p) => p.namespace)).toEqual(Array(3).fill(teamNamespace(bobTeam)));
    expect(bobs.items.every((p) => p.team === bobTeam && p.app === "web" && p.phase === "Running")).toBe(true);
    const carols = await listAll(carol, 500);
    expect(carols.items).toHaveLength(4);
    expect(carols.items.every((p) => p.namespace === teamNamespace(carolTeam))).toBe(true);
  });

  it("returns every pod exactly once across small pages", async () => {
    const whole = await listAll(alice, 500);
    const paged = await listAll(alice, 2);
    expect(paged.pages.length).toBeGreaterThanOrEqual(4);
    expect(paged.pages.slice(0, -1).every((p) => p.items.length === 2 && p.continueToken)).toBe(true);
    expect(paged.pages.at(-1)?.continueToken).toBeNull();
    const keys = paged.items.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    // Other suites may add or remove pods on the shared cluster meanwhile: ours must be there, once.
    const ours = (items: ManagedPodDto[]) => items.filter((p) => p.team === bobTeam || p.team === carolTeam).map(key).sort();
    expect(ours(paged.items)).toEqual(ours(whole.items));
    expect(ours(paged.items)).toHaveLength(7);
    const bobPaged = await listAll(bob, 1);
    expect(bobPaged.items.map(key).sort()).toEqual((await listAll(bob, 500)).items.map(key).sort());
    // With a label selector the API server cannot tell that the last match is the last: the
    // final page may come back empty.
    expect(bobPaged.pages.slice(0, 3).every((p) => p.items.length === 1)).toBe(true);
  });

  it("does not widen a team member's view with a continue token taken from an admin listing", async () => {
    const first = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods?limit=1`, { cookie: alice, params: { clusterId } });
    expect(first.json.continueToken).toEqual(expect.any(String));
    const res = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods?limit=500&continue=${encodeURIComponent(first.json.continueToken)}`, {
      cookie: bob,
      params: { clusterId },
    });
    if (res.status === 200) {
      expect((res.json as ManagedPodPage).items.every((p) => p.namespace === teamNamespace(bobTeam))).toBe(true);
    } else {
      expect([409, 422]).toContain(res.status);
    }
  });

  it("answers 404 for an unknown cluster and 422 for a bad page size", async () => {
    const missing = await call(podsRoute.GET, "GET", "/api/v1/clusters/nope/pods", { cookie: bob, params: { clusterId: "nope" } });
    expect(missing.status).toBe(404);
    const bad = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods?limit=0`, { cookie: alice, params: { clusterId } });
    expect(bad.status).toBe(422);
    const garbage = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods?continue=not-a-token`, { cookie: alice, params: { clusterId } });
    expect(garbage.status).toBe(422);
    expect(garbage.json.error.fields[0].path).toBe("continue");
  });

  it("needs a session", async () => {
    const res = await call(podsRoute.GET, "GET", `/api/v1/clusters/${clusterId}/pods`, { params: { clusterId } });
    expect(res.status).toBe(401);
  });
});
