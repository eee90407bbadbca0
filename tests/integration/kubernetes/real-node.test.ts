// The test cluster's real node (kubelet + containerd on this host, scripts/real-node-up.sh): a pod
// pinned there runs for real — an image built here and imported into containerd, a readiness
// probe that must pass, a page served through the API server's pod proxy, logs read from the
// container, and nothing left in containerd once the pod is deleted. Pods that do not ask for the
// real node keep landing on KWOK's fake nodes. And containerd pulls by digest from a registry on
// loopback over plain http (the only registries it reaches without TLS).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api, KubeConfig, type V1Pod, type V1PodSpec } from "@kubernetes/client-node";
import { ensureTestCluster, until, type RealNode } from "../../support/kube-cluster";
import { startLoopbackRegistry } from "../../support/loopback-registry";
import {
  WEB_PAGE,
  WEB_PORT,
  WEB_STARTUP_LINE,
  ensureWebImage,
  importImageIntoRealNode,
  onRealNode,
  realNodeContainerIds,
  requireRealNode,
} from "../../support/real-node";

const run = promisify(execFile);
const namespace = `real-node-${randomBytes(3).toString("hex")}`;
let kc: KubeConfig;
let core: CoreV1Api;
let node: RealNode;
let image: string;

/** GET on the API server as the kubeconfig's user (admin), like `kubectl get --raw`. */
async function apiGet(pathName: string): Promise<{ status: number; body: string }> {
  const server = new URL(kc.getCurrentCluster()?.server ?? "");
  const opts: https.RequestOptions = { host: server.hostname, port: server.port, path: pathName, method: "GET", headers: {} };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = https.request({ ...opts, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${pathName} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A pod that Pod Security `restricted` admits (the namespace enforces it, as Slipway's do). */
function restrictedPod(name: string, spec: V1PodSpec): V1Pod {
  return {
    metadata: { name, labels: { "slipway.dev/test": "real-node" } },
    spec: {
      automountServiceAccountToken: false,
      // busybox httpd as PID 1 ignores SIGTERM: do not wait 30 s for it on delete.
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
      ...spec,
      containers: spec.containers.map((c) => ({
        ...c,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      })),
    },
  };
}

async function readPod(name: string): Promise<V1Pod> {
  return core.readNamespacedPod({ name, namespace });
}

async function untilReady(name: string, timeoutMs = 120_000): Promise<V1Pod> {
  return until(
    `pod ${name} Ready`,
    async () => {
      const pod = await readPod(name);
      return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? pod : undefined;
    },
    timeoutMs,
  );
}

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  node = requireRealNode(cluster);
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  image = await ensureWebImage();
  await importImageIntoRealNode(node, image);
  await core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
      },
    },
  });
  await until("the namespace's default service account", () => core.readNamespacedServiceAccount({ name: "default", namespace }));
}, 20 * 60_000);

afterAll(async () => {
  await core?.deleteNamespace({ name: namespace, gracePeriodSeconds: 0 }).catch((e: unknown) => {
    process.stderr.write(`deleting namespace ${namespace}: ${String(e)}\n`);
  });
});

describe("the test cluster's real node", () => {
  it("runs a pinned pod that passes its readiness probe, serves through the API server's proxy, logs, and leaves nothing behind", async () => {
    const t0 = Date.now();
    await core.createNamespacedPod({
      namespace,
      body: restrictedPod("web", {
        ...onRealNode(node),
        containers: [
          {
            name: "web",
            image,
            imagePullPolicy: "Never",
            ports: [{ containerPort: WEB_PORT, name: "http" }],
            readinessProbe: { httpGet: { path: "/", port: WEB_PORT }, periodSeconds: 1 },
          },
        ],
      }),
    });
    const ready = await untilReady("web");
    process.stderr.write(`real node: pod Ready ${Date.now() - t0} ms after create\n`);
    expect(ready.spec?.nodeName).toBe(node.name);
    expect(ready.status?.podIP).toMatch(/^10\.245\./); // the node's own bridge, not KWOK's 10.244/16
    const container = ready.status?.containerStatuses?.[0];
    expect(container?.ready).toBe(true);
    expect(container?.containerID).toMatch(/^containerd:\/\//);
    const containerId = (container?.containerID ?? "").replace("containerd://", "");
    const uid = ready.metadata?.uid ?? "";
    const podContainers = await realNodeContainerIds(node, uid);
    expect(podContainers).toContain(containerId);
    expect(podContainers).toHaveLength(2); // the app's and the pod sandbox's (pause)

    // The API server's pod proxy reaches the pod's address on the node's bridge.
    const page = await apiGet(`/api/v1/namespaces/${namespace}/pods/web:${WEB_PORT}/proxy/`);
    expect(page).toEqual({ status: 200, body: WEB_PAGE });

    // Logs come from the container (kubelet's CRI log), through the API server.
    const logs = await core.readNamespacedPodLog({ name: "web", namespace, container: "web" });
    expect(logs.split("\n")).toContain(WEB_STARTUP_LINE);

    const t1 = Date.now();
    await core.deleteNamespacedPod({ name: "web", namespace });
    await until("pod web gone from the API", async () => {
      const found = await readPod("web").then(
        () => true,
        () => false,
      );
      return found ? undefined : true;
    });
    // The app container and its pod sandbox are removed from containerd (sandboxes by kubelet's
    // garbage collection, which runs once a minute).
    const left = await until(
      "containerd to drop the pod's containers",
      async () => {
        const ids = await realNodeContainerIds(node, uid);
        return ids.length === 0 ? ids : undefined;
      },
      150_000,
    );
    process.stderr.write(`real node: containers gone ${Date.now() - t1} ms after delete\n`);
    expect(left).toEqual([]);
    expect(await realNodeContainerIds(node)).not.toContain(containerId);
  }, 300_000);

  it("keeps pods that do not ask for it off the real node", async () => {
    // Ordinary pods: scheduled onto KWOK's nodes, never onto the tainted real one.
    const names = ["plain-0", "plain-1", "plain-2", "plain-3", "plain-4", "plain-5"];
    for (const name of names) {
      await core.createNamespacedPod({ namespace, body: restrictedPod(name, { containers: [{ name: "app", image: "localhost/slipway/test:1" }] }) });
    }
    // Selecting the real node without tolerating its taint is not enough: the pod stays pending.
    await core.createNamespacedPod({
      namespace,
      body: restrictedPod("selector-only", {
        nodeSelector: onRealNode(node).nodeSelector,
        containers: [{ name: "app", image, imagePullPolicy: "Never" }],
      }),
    });
    for (const name of names) {
      const nodeName = await until(`${name} scheduled`, async () => (await readPod(name)).spec?.nodeName || undefined);
      expect(nodeName).toMatch(/^kwok-node-/);
    }
    const unschedulable = await until("selector-only marked unschedulable", async () => {
      const pod = await readPod("selector-only");
      return pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.reason === "Unschedulable");
    });
    // "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match …"
    expect(unschedulable.message).toMatch(/1 node\(s\) had untolerated taint/);
    expect((await readPod("selector-only")).spec?.nodeName).toBeFalsy();
  }, 180_000);

  it("pulls an image by digest from a loopback registry over plain http", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "slipway-real-node-registry-"));
    const registry = await startLoopbackRegistry(root);
    try {
      const digestFile = path.join(root, "digest");
      // Its own variant: the image imported above must stay an image kubelet never pulled.
      const pushed = await ensureWebImage("pushed");
      await run("podman", ["push", "--quiet", "--tls-verify=false", "--digestfile", digestFile, pushed, `docker://${registry.addr}/slipway-test-web:1`]);
      const digest = readFileSync(digestFile, "utf8").trim();
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const t0 = Date.now();
      await core.createNamespacedPod({
        namespace,
        body: restrictedPod("pulled", {
          ...onRealNode(node),
          containers: [
            {
              name: "web",
              image: `${registry.addr}/slipway-test-web@${digest}`,
              imagePullPolicy: "Always",
              readinessProbe: { httpGet: { path: "/", port: WEB_PORT }, periodSeconds: 1 },
            },
          ],
        }),
      });
      const ready = await untilReady("pulled");
      process.stderr.write(`real node: pulled pod Ready ${Date.now() - t0} ms after create\n`);
      expect(ready.status?.containerStatuses?.[0]?.imageID).toContain(digest);
      const page = await apiGet(`/api/v1/namespaces/${namespace}/pods/pulled:${WEB_PORT}/proxy/`);
      expect(page).toEqual({ status: 200, body: WEB_PAGE });
      await core.deleteNamespacedPod({ name: "pulled", namespace, gracePeriodSeconds: 0 });
    } finally {
      registry.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);
});
