// The test Kubernetes control plane (real kube-apiserver, controller-manager and scheduler built
// from k8s.io/kubernetes, embedded etcd, KWOK for nodes/pods/logs). `npm test` (or CI) may start it
// once and export SLIPWAY_TEST_KUBECONFIG; a test file run on its own starts (or reuses) the same
// cluster through scripts/cluster-up.sh, which builds it from the Go module proxy if needed
// (first build: tens of minutes on 2 cores; afterwards a start takes seconds).
//
//   const { kubeconfigPath, server } = await ensureTestCluster();
//   const kc = new KubeConfig(); kc.loadFromFile(kubeconfigPath);   // admin (system:masters)
//
// Pod logs: every pod without a more specific KWOK `Logs` object serves the CRI-format file
// `podLogFile` (append lines to it to see them in a followed `kubectl logs -f`). A test can give
// one pod its own log by creating `kwok.x-k8s.io/v1alpha1` `Logs` named like the pod, in its
// namespace, with `spec.logs: [{ logsFile: <absolute path>, follow: true }]`.
//
// Real node: beside KWOK's fake nodes the cluster has one real node (kubelet + containerd, named
// 127.0.0.1) unless it was started with SLIPWAY_CLUSTER_REAL_NODE=0. It is tainted NoSchedule, so
// pods run there only when they ask: see tests/support/real-node.ts (`onRealNode()`).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface TestCluster {
  /** Admin kubeconfig (client certificate in group system:masters), with embedded credentials. */
  kubeconfigPath: string;
  /** API server URL, e.g. https://127.0.0.1:6443 */
  server: string;
  /** State dir of the running cluster (certs in pki/, component logs in logs/). */
  stateDir: string;
  /** CRI-format log file KWOK serves for pods by default (see above). */
  podLogFile: string;
  /** The real node (kubelet + containerd), or null when the cluster runs without one. */
  realNode: RealNode | null;
}

export interface RealNode {
  /** Node name (and address): 127.0.0.1. */
  name: string;
  /** Label (value "true") to select it and key of its NoSchedule taint (value "true"). */
  label: string;
  taint: string;
  /** Its containerd's socket (images go in namespace k8s.io for kubelet to see them). */
  containerdSocket: string;
  kubeletPort: number;
}

let pending: Promise<TestCluster> | undefined;

function stateDir(): string {
  return process.env.SLIPWAY_CLUSTER_DIR ?? path.join(root, ".cache/cluster");
}

function readClusterJson(): TestCluster {
  const dir = stateDir();
  const info = JSON.parse(readFileSync(path.join(dir, "cluster.json"), "utf8")) as Partial<TestCluster>;
  if (!info.kubeconfigPath || !info.server) throw new Error(`incomplete ${dir}/cluster.json`);
  return {
    kubeconfigPath: info.kubeconfigPath,
    server: info.server,
    stateDir: info.stateDir ?? dir,
    podLogFile: info.podLogFile ?? path.join(dir, "kwok/logs/default.log"),
    realNode: info.realNode ?? null,
  };
}

function runScript(script: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "bash",
      [path.join(root, "scripts", script)],
      { cwd: root, encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    // Progress (build, component start) goes to stderr: pass it through.
    child.stderr?.on("data", (d: string) => process.stderr.write(d));
  });
}

/**
 * Starts the test control plane, or reuses the running one, and returns how to reach it.
 * Concurrent callers (parallel test files) are serialised by the script's lock.
 * The default timeout covers a cold build; override with SLIPWAY_CLUSTER_UP_TIMEOUT_MS.
 */
export function ensureTestCluster(): Promise<TestCluster> {
  const preset = process.env.SLIPWAY_TEST_KUBECONFIG;
  if (preset) {
    const info = readClusterJsonOrNull();
    return Promise.resolve({
      kubeconfigPath: preset,
      server: process.env.SLIPWAY_TEST_KUBE_SERVER ?? info?.server ?? "",
      stateDir: info?.stateDir ?? stateDir(),
      podLogFile: info?.podLogFile ?? path.join(stateDir(), "kwok/logs/default.log"),
      realNode: info?.realNode ?? null,
    });
  }
  pending ??= (async () => {
    const timeout = Number(process.env.SLIPWAY_CLUSTER_UP_TIMEOUT_MS ?? 75 * 60_000);
    const out = (await runScript("cluster-up.sh", timeout)).trim().split("\n").pop() ?? "";
    const info = readClusterJson();
    if (out !== info.kubeconfigPath) throw new Error(`cluster-up.sh printed ${JSON.stringify(out)}, expected ${info.kubeconfigPath}`);
    process.env.SLIPWAY_TEST_KUBECONFIG = info.kubeconfigPath;
    process.env.SLIPWAY_TEST_KUBE_SERVER = info.server;
    return info;
  })().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

function readClusterJsonOrNull(): TestCluster | null {
  try {
    return readClusterJson();
  } catch {
    return null;
  }
}

/** Stops the control plane (for a global teardown; safe when nothing runs). */
export async function stopTestCluster(): Promise<void> {
  pending = undefined;
  delete process.env.SLIPWAY_TEST_KUBECONFIG;
  delete process.env.SLIPWAY_TEST_KUBE_SERVER;
  await runScript("cluster-down.sh", 60_000);
}

/** Polls `fn` until it returns a value (errors count as "not yet"); throws after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
