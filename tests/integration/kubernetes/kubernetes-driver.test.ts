// The Kubernetes driver against a real kube-apiserver, controller-manager and scheduler built
// from source, with KWOK playing the nodes (scripts/cluster-up.sh). No mocks.
import { appendFileSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, Watch, type V1Deployment } from "@kubernetes/client-node";
import { ensureTestCluster, type TestCluster } from "../../support/kube-cluster";
import { podsOf, rollOut } from "../../support/kube-rollout";
import { KubernetesDriver } from "@/server/runtime/kubernetes/kubernetes-driver";
import { teamNamespace, workloadName } from "@/server/runtime/kubernetes/names";
import type { LogLine, WorkloadSpec } from "@/server/runtime/runtime-driver";
import { DriverError } from "@/server/runtime/runtime-driver";

let cluster: TestCluster;
let admin: KubeConfig;
let driver: KubernetesDriver;
const run = randomBytes(3).toString("hex");
const teamA = `ka-${run}`;
const teamB = `kb-${run}`;
const quota = { cpuMillicores: 2000, memoryMib: 2048, storageGib: 10, maxApps: 10 };

function spec(overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    teamSlug: teamA,
    projectSlug: "shop",
    appSlug: "web",
    appId: `app${run}`,
    releaseId: `rel-1-${run}`,
    releaseVersion: 1, runAs: null, volumes: [],
    imageRef: "localhost/slipway/shop-web:b1",
    containerPort: 8080,
    healthCheckPath: "/",
    cpuMillicores: 250,
    memoryMib: 128,
    replicas: 2,
    env: { GREETING: "hello" },
    ...overrides,
  };
}

const ref = (s: WorkloadSpec) => ({ appId: s.appId, teamSlug: s.teamSlug, projectSlug: s.projectSlug, appSlug: s.appSlug });

beforeAll(async () => {
  cluster = await ensureTestCluster();
  admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  driver = new KubernetesDriver({ clusterName: "test", admin, ingressDomain: "apps.test", ingressClassName: "nginx" });
  await driver.ensureTeam(teamA, quota);
  await driver.ensureTeam(teamB, quota);
}, 600_000);

afterAll(async () => {
  const core = admin?.makeApiClient(CoreV1Api);
  for (const t of [teamA, teamB]) await core?.deleteNamespace({ name: teamNamespace(t) }).catch(() => undefined);
});

describe("team namespace", () => {
  it("carries the Pod Security Admission labels, a quota and limits that mirror the team's, and default-deny NetworkPolicies", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const ns = await core.readNamespace({ name: teamNamespace(teamA) });
    expect(ns.metadata?.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" });
    const rq = await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace: teamNamespace(teamA) });
    expect(rq.spec?.hard).toMatchObject({ "limits.cpu": "2", "limits.memory": "2Gi" });
    const lr = await core.readNamespacedLimitRange({ name: "slipway-defaults", namespace: teamNamespace(teamA) });
    expect(lr.spec?.limits[0]?._default).toMatchObject({ cpu: "250m" });
    const policies = await admin.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace: teamNamespace(teamA) });
    const byName = Object.fromEntries(policies.items.map((p) => [p.metadata?.name, p.spec]));
    expect(byName["slipway-default-deny"]).toMatchObject({ podSelector: {}, policyTypes: ["Ingress"] });
    expect(byName["slipway-default-deny"]?.ingress ?? []).toEqual([]);
    expect(byName["slipway-allow-same-namespace"]?.ingress?.[0]?._from?.[0]?.podSelector).toEqual({});
    expect(byName["slipway-allow-ingress-controller"]?.ingress?.[0]?._from?.[0]?.namespaceSelector?.matchLabels).toEqual({ "kubernetes.io/metadata.name": "ingress-nginx" });
  });

  it("refuses a privileged pod in the team namespace (PSA restricted is enforced)", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await expect(
      core.createNamespacedPod({
        namespace: teamNamespace(teamA),
        body: { metadata: { name: "privileged" }, spec: { containers: [{ name: "c", image: "x", securityContext: { privileged: true } }] } },
      }),
    ).rejects.toThrow(/violates PodSecurity .{0,4}restricted:latest/);
  });
});

describe("apps", () => {
  it("rolls a deployment out to ready pods, with the Service, Ingress and env Secret", async () => {
    const s = spec();
    await rollOut(driver, s);
    const pods = await podsOf(admin, s);
    expect(pods.filter((p) => p.ready && p.releaseId === s.releaseId)).toHaveLength(2);
    const ns = teamNamespace(teamA);
    const name = workloadName(spec().appId);
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace: ns });
    expect(d.spec?.strategy?.rollingUpdate).toMatchObject({ maxUnavailable: 0 });
    const pod = d.spec?.template.spec;
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.containers[0]?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod?.containers[0]?.resources?.limits).toEqual({ cpu: "250m", memory: "128Mi" });
    expect(pod?.containers[0]?.readinessProbe?.httpGet?.path).toBe("/");
    const secret = await admin.makeApiClient(CoreV1Api).readNamespacedSecret({ name: `${name}-env`, namespace: ns });
    expect(Buffer.from(secret.data?.GREETING ?? "", "base64").toString()).toBe("hello");
    const ingress = await admin.makeApiClient(NetworkingV1Api).readNamespacedIngress({ name, namespace: ns });
    expect(ingress.spec?.rules?.[0]?.host).toBe(`web.shop.${teamA}.apps.test`);
    expect(d.metadata?.managedFields?.some((f) => f.manager === "slipway" && f.operation === "Apply")).toBe(true);
  });

  it("rolls an update without a moment of zero ready replicas", async () => {
    const s = spec({ releaseId: `rel-2-${run}`, releaseVersion: 2, imageRef: "localhost/slipway/shop-web:b2" });
    const minReady: number[] = [];
    const watcher = await new Watch(admin).watch(
      `/apis/apps/v1/namespaces/${teamNamespace(teamA)}/deployments`,
      { fieldSelector: `metadata.name=${workloadName(spec().appId)}` },
      (_phase, d: V1Deployment) => minReady.push(d.status?.readyReplicas ?? 0),
      () => undefined,
    );
    await rollOut(driver, s);
    watcher.abort();
    expect(minReady.length).toBeGreaterThan(1);
    expect(Math.min(...minReady)).toBeGreaterThan(0);
    await expect.poll(async () => (await podsOf(admin, s)).every((p) => p.releaseId === s.releaseId), { timeout: 30_000 }).toBe(true);
  });

  it("streams pod logs through the API", async () => {
    const s = spec({ releaseId: `rel-2-${run}`, releaseVersion: 2 });
    const controller = new AbortController();
    const lines: LogLine[] = [];
    const marker = `slipway-log-marker-${run}`;
    const reading = (async () => {
      for await (const l of driver.logs(ref(s), { follow: true, tail: 5, signal: controller.signal })) {
        lines.push(l);
        if (l.line.includes(marker)) break;
      }
    })();
    // KWOK serves this CRI-format file as every pod's log; a followed stream sees appended lines.
    await new Promise((r) => setTimeout(r, 1500));
    appendFileSync(cluster.podLogFile, `${new Date().toISOString()} stdout F ${marker}\n`);
    await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error(`no log line with the marker; got ${lines.length} lines: ${JSON.stringify(lines.slice(-3))}`)), 30_000))]);
    controller.abort();
    const hit = lines.find((l) => l.line.includes(marker));
    expect(hit?.replica).toMatch(new RegExp(`^${workloadName(spec().appId)}-`));
    expect(readFileSync(cluster.podLogFile, "utf8")).toContain(marker);
  });

  it("ends a rollout whose pods crash-loop with the exit code and restarts, while the live release's pods keep serving", async () => {
    // KWOK fails the pods of releases whose id starts with "crash" (scripts/kwok-crash-stage.yaml).
    const live = spec({ releaseId: `rel-2-${run}`, releaseVersion: 2, imageRef: "localhost/slipway/shop-web:b2" });
    const crashing = spec({ releaseId: `crash-3-${run}`, releaseVersion: 3, imageRef: "localhost/slipway/shop-web:b3" });
    const started = Date.now();
    const error = await rollOut(driver, crashing).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).kind).toBe("failed");
    expect((error as DriverError).message).toMatch(/CrashLoopBackOff: pod .+: container app exited with code 3 and was restarted 3 times \(crash loop\)/);
    // Well before the rollout timeout (90 s here): the pods said why.
    expect(Date.now() - started).toBeLessThan(30_000);
    const during = await podsOf(admin, live);
    expect(during.filter((p) => p.releaseId === live.releaseId && p.ready)).toHaveLength(2);
    // What the control loop does next: put the Deployment back on the live release.
    await rollOut(driver, live);
    await expect.poll(async () => (await podsOf(admin, live)).every((p) => p.releaseId === live.releaseId), { timeout: 30_000 }).toBe(true);
  });

  it("refuses a workload over the team's quota through ResourceQuota admission, and says why", async () => {
    // web already holds 2 × 250m of the team's 2000m: the second 1000m replica cannot be admitted.
    const s = spec({ appId: `big-${run}`, appSlug: "big", releaseId: `big-1-${run}`, cpuMillicores: 1000, replicas: 2 });
    const error = await rollOut(driver, s).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).kind).toBe("quota");
    expect((error as DriverError).message).toMatch(/exceeded quota: slipway-team-quota/);
    await driver.remove(ref(s));
  });

  it("gives each team credentials that cannot read another team's namespace", async () => {
    const a = await driver.teamClients(teamA);
    await expect(a.core.listNamespacedPod({ namespace: teamNamespace(teamA) })).resolves.toBeTruthy();
    await expect(a.core.listNamespacedPod({ namespace: teamNamespace(teamB) })).rejects.toThrow(/forbidden/i);
    await expect(a.core.listNamespacedSecret({ namespace: teamNamespace(teamB) })).rejects.toThrow(/forbidden/i);
    await expect(a.core.listNamespace()).rejects.toThrow(/forbidden/i);
  });

  it("deletes every object the app owned, pods included", async () => {
    const s = spec();
    await driver.remove(ref(s));
    const ns = teamNamespace(teamA);
    const selector = `slipway.dev/app-id=${s.appId}`;
    const core = admin.makeApiClient(CoreV1Api);
    expect((await admin.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await admin.makeApiClient(AppsV1Api).listNamespacedReplicaSet({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await core.listNamespacedService({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await core.listNamespacedSecret({ namespace: ns, labelSelector: selector })).items).toEqual([]);
    expect((await admin.makeApiClient(NetworkingV1Api).listNamespacedIngress({ namespace: ns, labelSelector: selector })).items).toEqual([]);
  });

  it("sets a team up again when its namespace was deleted behind Slipway's back: a temporary failure, then the app is back", async () => {
    const s = spec({ teamSlug: teamB, appId: `gone${run}`, releaseId: `rel-gone-${run}`, replicas: 1 });
    const ns = teamNamespace(teamB);
    const core = admin.makeApiClient(CoreV1Api);
    await driver.applyRelease(s);
    await core.deleteNamespace({ name: ns });
    const gone = Date.now() + 120_000;
    while (Date.now() < gone && (await core.readNamespace({ name: ns }).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 500));
    // The driver still believes the team is set up (it is re-applied every few minutes only):
    // the first try says the namespace is gone, as a temporary failure the loop retries…
    await driver.ensureTeam(teamB, quota);
    const error = await driver.applyRelease(s).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).kind, (error as DriverError).message).toBe("unavailable");
    // Which one the API server says first depends on the cached token: refused (its ServiceAccount
    // went with the namespace: 401, or 403 from RBAC while the API server still caches the token's
    // authentication), or a fresh one's namespace not found.
    expect((error as DriverError).message).toMatch(/namespace .* is gone or being deleted|token was refused/);
    // …and the next one sets the team up again and applies the app.
    await driver.ensureTeam(teamB, quota);
    await driver.applyRelease(s);
    const d = await admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: workloadName(s.appId), namespace: ns });
    expect(d.metadata?.labels?.["slipway.dev/app-id"]).toBe(s.appId);
    expect((await core.readNamespacedResourceQuota({ name: "slipway-team-quota", namespace: ns })).spec?.hard).toMatchObject({ "limits.cpu": "2" });
  }, 180_000);
});
