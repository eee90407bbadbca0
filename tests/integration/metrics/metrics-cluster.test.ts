// What the charts of a cluster app can show on the test cluster (kube-apiserver built from
// source, KWOK nodes): it serves no metrics API (no metrics-server), which the API server's
// discovery says and the note repeats, rather than charts of zeros.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTestCluster } from "../../support/kube-cluster";
import { call, setupApiTestEnv, signUp } from "../../support/api-harness";
import * as clusters from "@/app/api/v1/clusters/route";
import { clusterServesMetricsApi } from "@/server/daemon/metrics/cluster-metrics-api";
import { clusterMetricsNote } from "@/server/daemon/metrics/metrics-api";

const name = `kwok-m${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  const cluster = await ensureTestCluster();
  setupApiTestEnv();
  const admin = await signUp(`admin-${name}@example.test`);
  const registered = await call(clusters.POST, "POST", "/api/v1/clusters", { cookie: admin, body: { name, kubeconfig: readFileSync(cluster.kubeconfigPath, "utf8") } });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
}, 300_000);

describe("metrics of cluster apps", () => {
  it("finds through discovery that the test cluster serves no metrics API, and says so", async () => {
    const served = await clusterServesMetricsApi(name);
    expect(served).toBe(false);
    const note = clusterMetricsNote(served);
    expect(note).toContain("This cluster serves no metrics API");
    expect(note).toContain("cluster's ingress, which Slipway does not read");
  });
});
