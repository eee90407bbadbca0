// The deploy journey a second time, with the project's runtime target set to the test Kubernetes
// cluster (tests/support/kube-cluster.ts) and its apps placed on the cluster's REAL node (kubelet +
// containerd on this host), in Debian's Chromium against the real platform: the platform admin
// registers the cluster from its kubeconfig file, with a registry its nodes pull from (a
// Distribution registry on loopback) and the real node as app node → a project targets the
// cluster → app from a git repository → Deploy shows clone, build, push, release → "Open" opens
// the app through the API server's service proxy → runtime logs stream from the pods → a new
// commit is deployed while a client keeps requesting the open link, and no request fails.
// The journey itself is e2e/support/deploy-journey.ts, shared with e2e/deploy-journey.spec.ts.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { bareTest as test, expect, startPlatform, type Platform } from "./support/fixtures";
import { allowLocalSources, createProjectAndApp, signUpInBrowser } from "./support/journey-steps";
import { deployAndRedeploy } from "./support/deploy-journey";
import { pollUrl } from "./support/ingress-poller";
import { createFixtureRepo, type FixtureRepo } from "../tests/support/git-fixtures";
import { ensureTestBaseImage } from "../tests/support/test-images";
import { ensureTestCluster, until, type RealNode, type TestCluster } from "../tests/support/kube-cluster";
import { requireRealNode } from "../tests/support/real-node";
import { startLoopbackRegistry, type LoopbackRegistry } from "../tests/support/loopback-registry";
import { LABEL, teamNamespace } from "../server/runtime/kubernetes/names";

test.describe.configure({ mode: "serial" });

const CLUSTER = "test";
/** The first sign-up's team is "default": its apps go to this namespace on the cluster. */
const NAMESPACE = teamNamespace("default");

let platform: Platform;
let repo: FixtureRepo;
let cluster: TestCluster;
let node: RealNode;
let core: CoreV1Api;
let registry: LoopbackRegistry;
let registryDir: string;

/** Deletes the team's namespace (everything the journey made on the cluster) and waits until it is gone. */
async function removeNamespace(): Promise<void> {
  const exists = await core.readNamespace({ name: NAMESPACE }).then(
    () => true,
    () => false, // 404: nothing to remove
  );
  if (!exists) return;
  await core.deleteNamespace({ name: NAMESPACE });
  await until(
    `namespace ${NAMESPACE} to be deleted`,
    () => core.readNamespace({ name: NAMESPACE }).then(() => undefined, () => true),
    120_000,
    500,
  );
}

async function appPods(appId: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `${LABEL.appId}=${appId}` })).items;
}

test.beforeAll(async () => {
  // A cold cluster start builds kubelet and the API server (cached in .cache/cluster afterwards).
  test.setTimeout(75 * 60_000);
  cluster = await ensureTestCluster();
  node = requireRealNode(cluster);
  const admin = new KubeConfig();
  admin.loadFromFile(cluster.kubeconfigPath);
  core = admin.makeApiClient(CoreV1Api);
  // An interrupted earlier run's namespace would hold this run's objects back while it terminates.
  await removeNamespace();
  await ensureTestBaseImage();
  repo = await createFixtureRepo({ version: "v1" });
  registryDir = mkdtempSync(path.join(os.tmpdir(), "slipway-e2e-registry-"));
  registry = await startLoopbackRegistry(registryDir);
  // Its own platform: this journey's user must be the first to sign up (platform admin).
  platform = await startPlatform();
});

test.afterAll(async () => {
  await platform?.stop();
  if (core) await removeNamespace();
  registry?.stop();
  if (registryDir) rmSync(registryDir, { recursive: true, force: true });
});

test("a developer deploys a git repository to a Kubernetes cluster from the browser, opens it and redeploys without a failed request", async ({ page, context }) => {
  test.setTimeout(900_000);
  await signUpInBrowser(page, platform.setupLink(), { name: "Ada", email: "ada@example.test" });
  await allowLocalSources(page);

  // The platform admin registers the cluster: its kubeconfig file, the registry its nodes pull
  // Slipway's images from, and the nodes apps run on (the real node; its taint is tolerated).
  await page.getByRole("link", { name: "Clusters" }).click();
  // The team page has a "Name" field too: fill only once the clusters page is there.
  await expect(page.getByRole("heading", { name: "Register a cluster (platform admin)" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(CLUSTER);
  await page.getByLabel("Kubeconfig file").setInputFiles(cluster.kubeconfigPath);
  await expect(page.locator("#cluster-kubeconfig")).toHaveValue(/kind: Config/);
  await page.getByText("Registry and ingress (optional)").click();
  await page.getByLabel("Image registry").fill(`${registry.addr}/slipway`);
  await page.getByLabel(/^App nodes/).fill(`${node.label}=true`);
  await page.getByRole("button", { name: "Register cluster" }).click();
  await expect(page.getByText(`Registered ${CLUSTER}.`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("probe-result").first()).toContainText(`${CLUSTER} answered: Kubernetes`);

  // A project whose apps run on the cluster, and the app in it from the git repository.
  await page.getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("Runtime", { exact: true }).selectOption(`cluster:${CLUSTER}`);
  await createProjectAndApp(page, { project: "shop", app: "web", repositoryUrl: repo.fileUrl });
  const appId = /\/apps\/([^/?#]+)/.exec(page.url())?.[1];
  expect(appId, page.url()).toBeTruthy();
  // Two replicas, small: a rollout then replaces pods one by one while the other serves.
  await page.locator("#set-replicas").fill("2"); // the settings form's, not the scale control's
  await page.getByLabel("Memory (MiB)").fill("64");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved: deploy to apply.")).toBeVisible();

  let openUrl = "";
  await deployAndRedeploy(page, context, repo, {
    // "push": to the cluster's registry, which the real node's containerd pulls from.
    buildSteps: ["clone", "build", "push", "release"],
    // No ingress domain on this cluster: the app page offers "Open" (through the API server's
    // service proxy), which opens a new tab and leaves the link on the page.
    async openApp() {
      const opened = context.waitForEvent("page");
      await page.getByTestId("open-app").click();
      const tab = await opened;
      const href = await page.getByTestId("open-link").getAttribute("href");
      expect(href).toMatch(/^\/open\/[^/]+\/$/);
      openUrl = new URL(href!, platform.webUrl).href;
      await tab.waitForLoadState();
      expect(tab.url()).toBe(openUrl);
      return tab;
    },
    pollApp: () => pollUrl(openUrl),
    // Until the old release's pods are gone (preStop sleep, SIGTERM, removal from the endpoints).
    async afterRollout() {
      await until(
        "the previous release's pods to be gone",
        async () => {
          const pods = await appPods(appId!);
          const releases = new Set(pods.map((p) => p.metadata?.labels?.[LABEL.release]));
          return pods.length === 2 && releases.size === 1 && pods.every((p) => !p.metadata?.deletionTimestamp) ? true : undefined;
        },
        120_000,
        500,
      );
      await page.waitForTimeout(2_000);
    },
  });

  // Where it ran: the real node, pulled by digest from the cluster's registry.
  const pods = await appPods(appId!);
  expect(pods).toHaveLength(2);
  for (const pod of pods) {
    expect(pod.spec?.nodeName, "placed by the cluster's app-node setting").toBe(node.name);
    expect(pod.spec?.containers[0]?.image).toMatch(new RegExp(`^${registry.addr.replace(/\./g, "\\.")}/slipway/.+@sha256:[0-9a-f]{64}$`));
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
  }
});
