// The test cluster's real node (scripts/real-node-up.sh): a kubelet with Debian's containerd on
// this host, beside KWOK's fake nodes. It is tainted NoSchedule, so a pod runs there only when its
// spec asks with `onRealNode()`; every other pod keeps landing on KWOK's nodes.
//
// No image can be pulled here: a test builds its image with Podman (FROM TEST_BASE_IMAGE) and
// copies it into the node's containerd with `importImageIntoRealNode()`; pods then name it with
// `imagePullPolicy: Never` (or IfNotPresent).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { V1PodSpec } from "@kubernetes/client-node";
import type { RealNode, TestCluster } from "./kube-cluster";
import { ensureTestBaseImage, imageExists } from "./test-images";

const run = promisify(execFile);

/** The real node, or a clear error when the cluster was started without one. */
export function requireRealNode(cluster: TestCluster): RealNode {
  if (!cluster.realNode) {
    throw new Error("the test cluster runs without a real node (SLIPWAY_CLUSTER_REAL_NODE=0?): restart it with scripts/cluster-down.sh && scripts/cluster-up.sh");
  }
  return cluster.realNode;
}

/** Pod spec fields that place a pod on the real node (its label) and admit it there (its taint). */
export function onRealNode(node: RealNode): Pick<V1PodSpec, "nodeSelector" | "tolerations"> {
  return {
    nodeSelector: { [node.label]: "true" },
    tolerations: [{ key: node.taint, operator: "Equal", value: "true", effect: "NoSchedule" }],
  };
}

function ctr(node: RealNode, args: string[]) {
  return run("ctr", ["--address", node.containerdSocket, "--namespace", "k8s.io", ...args], { maxBuffer: 16 * 1024 * 1024 });
}

/** Copies an image from the local Podman store into the real node's containerd (same name). */
export async function importImageIntoRealNode(node: RealNode, ref: string): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), "slipway-ctr-import-"));
  try {
    const archive = path.join(work, "image.tar");
    // docker-archive keeps the name in RepoTags, which `ctr images import` tags the image with.
    await run("podman", ["save", "--format", "docker-archive", "--output", archive, ref]);
    await ctr(node, ["images", "import", archive]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Ids of the containers (pod sandboxes included) the real node's containerd holds: all of them,
 * or those of one pod (by the pod UID label kubelet gives its sandbox and containers).
 */
export async function realNodeContainerIds(node: RealNode, podUid?: string): Promise<string[]> {
  const filter = podUid ? [`labels."io.kubernetes.pod.uid"==${podUid}`] : [];
  const { stdout } = await ctr(node, ["containers", "ls", "--quiet", ...filter]);
  return stdout.split("\n").filter(Boolean);
}

export const WEB_PORT = 8080;
export const WEB_PAGE = "slipway test web server: served from a real pod\n";
export const WEB_STARTUP_LINE = `slipway test web server listening on :${WEB_PORT}`;

/**
 * A tiny static HTTP server (busybox httpd on WEB_PORT serving WEB_PAGE at /, printing
 * WEB_STARTUP_LINE first) in the local Podman store, as `localhost/slipway-test-web:<variant>`.
 * Cached like TEST_BASE_IMAGE. Runs as any non-root UID, so it satisfies Pod Security `restricted`.
 *
 * Each variant is a distinct image (its own config digest, hence image ID). Use one variant per
 * way an image reaches the node: once kubelet has pulled an image ID from a registry, it records
 * that pull and, for the same ID under another name (e.g. imported with ctr), insists on pulling
 * it under that name too (ensure-secret-pulled-images), which `imagePullPolicy: Never` refuses.
 */
export async function ensureWebImage(variant = "1"): Promise<string> {
  const ref = `localhost/slipway-test-web:${variant}`;
  if (await imageExists(ref)) return ref;
  const base = await ensureTestBaseImage();
  const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-web-image-"));
  try {
    writeFileSync(path.join(dir, "index.html"), WEB_PAGE);
    writeFileSync(
      path.join(dir, "Containerfile"),
      [
        `FROM ${base}`,
        "COPY index.html /www/index.html",
        `LABEL dev.slipway.test-web.variant="${variant}"`,
        // httpd replaces the shell as PID 1; it sets no SIGTERM handler, so as PID 1 it ignores
        // the kubelet's SIGTERM: give pods a short terminationGracePeriodSeconds.
        `CMD ["/bin/sh", "-c", "echo '${WEB_STARTUP_LINE}'; exec httpd -f -v -p ${WEB_PORT} -h /www"]`,
        "",
      ].join("\n"),
    );
    await run("podman", ["build", "--quiet", "--tag", ref, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ref;
}
