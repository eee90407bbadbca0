import { describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { appManifests } from "@/server/runtime/kubernetes/app-manifests";
import { teamManifests } from "@/server/runtime/kubernetes/team-manifests";
import { envSecretName, teamNamespace, workloadName } from "@/server/runtime/kubernetes/names";
import { rolloutState } from "@/server/runtime/kubernetes/rollout-state";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const spec: WorkloadSpec = {
  teamSlug: "acme", projectSlug: "shop", appSlug: "web", appId: "a1", releaseId: "r1", releaseVersion: 3,
  imageRef: "localhost/slipway/acme-shop-web:b3", containerPort: 8080, healthCheckPath: "/healthz",
  cpuMillicores: 300, memoryMib: 200, replicas: 2, env: { A: "1" }, runAs: { uid: 10001, gid: 10001, imageUser: "" }, volumes: [],
};

describe("names", () => {
  it("are DNS-1035 labels made from the app id, stable and distinct", () => {
    const name = workloadName("cmabcdefghijklmnopqrstuvw");
    expect(name).toBe("app-cmabcdefghijklmnopqrstuvw");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(workloadName("0digitfirst")).toMatch(/^[a-z]/);
    expect(envSecretName("cm1")).toBe("app-cm1-env");
    expect(teamNamespace("acme")).toBe("slipway-acme");
    expect(() => workloadName("Upper")).toThrow();
    expect(() => workloadName("a".repeat(60))).toThrow();
  });

  // Within one team namespace, project "a-b"/app "c" and project "a"/app "b-c" joined their slugs
  // to the same "a-b-c"; every object kind must now differ.
  it("never give two apps of a team the same object of any kind", () => {
    const one = { ...spec, projectSlug: "a-b", appSlug: "c", appId: "cappone0000000000000000001" };
    const two = { ...spec, projectSlug: "a", appSlug: "b-c", appId: "capptwo0000000000000000002" };
    const names = (s: WorkloadSpec) => appManifests(s, { image: "x", ingressHost: "h" }).map((o) => `${o.kind}/${o.metadata!.namespace}/${o.metadata!.name}`);
    const a = names(one);
    const b = names(two);
    expect(a.map((n) => n.split("/")[0]).sort()).toEqual(["Deployment", "Ingress", "Secret", "Service"]);
    for (const n of a) expect(b).not.toContain(n);
    // The slugs stay on the objects for people.
    const d = appManifests(one, { image: "x" }).find((o) => o.kind === "Deployment")!;
    expect(d.metadata!.labels).toMatchObject({ "slipway.dev/project": "a-b", "slipway.dev/app": "c", "slipway.dev/app-id": one.appId });
  });
});

describe("app manifests", () => {
  const objects = appManifests(spec, { image: spec.imageRef, ingressHost: "web.shop.acme.example.com", ingressClassName: "nginx" });
  const deployment = objects.find((o) => o.kind === "Deployment") as V1Deployment;

  it("roll without taking a ready replica away, run non-root with nothing privileged, and carry limits and a readiness probe", () => {
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    const pod = deployment.spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0]!;
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(c.resources).toEqual({ requests: { cpu: "300m", memory: "200Mi" }, limits: { cpu: "300m", memory: "200Mi" } });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: "/healthz", port: 8080 });
    expect(c.envFrom?.[0]?.secretRef?.name).toBe("app-a1-env");
    expect(pod.runtimeClassName).toBeUndefined();
  });

  it("ask for a sandboxed runtime class when the release does, and skip the Ingress without a host", () => {
    const sandboxed = appManifests({ ...spec, runtimeClass: "gvisor" }, { image: "x" });
    expect((sandboxed.find((o) => o.kind === "Deployment") as V1Deployment).spec?.template.spec?.runtimeClassName).toBe("gvisor");
    expect(sandboxed.map((o) => o.kind).sort()).toEqual(["Deployment", "Secret", "Service"]);
    expect(objects.map((o) => o.kind).sort()).toEqual(["Deployment", "Ingress", "Secret", "Service"]);
  });
});

describe("team manifests", () => {
  const objects = teamManifests({ teamSlug: "acme", quota: { cpuMillicores: 1500, memoryMib: 3072, storageGib: 5, maxApps: 4 }, ingressNamespace: "ingress" });
  it("mirror the team's quota and hold the namespace to PSA restricted", () => {
    const ns = objects.find((o) => o.kind === "Namespace")!;
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const quota = objects.find((o) => o.kind === "ResourceQuota") as { spec: { hard: Record<string, string> } };
    expect(quota.spec.hard).toMatchObject({ "limits.cpu": "1500m", "limits.memory": "3072Mi", "requests.storage": "5Gi" });
    expect(objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata?.name)).toEqual([
      "slipway-default-deny", "slipway-allow-same-namespace", "slipway-allow-ingress-controller",
    ]);
  });
});

describe("rolloutState", () => {
  const d = (status: V1Deployment["status"], generation = 2, replicas = 2): V1Deployment => ({ metadata: { generation }, spec: { replicas, selector: {}, template: {} }, status });
  it("is progressing until the controller has seen the spec and every replica is updated and available", () => {
    expect(rolloutState(d({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).phase).toBe("progressing");
    expect(rolloutState(d({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 3 })).phase).toBe("progressing");
    expect(rolloutState(d({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 })).phase).toBe("available");
  });
  it("fails on a replica failure (quota) or an exceeded progress deadline, with the cluster's message", () => {
    const quota = rolloutState(d({ observedGeneration: 2, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "exceeded quota: q" }] }));
    expect(quota).toMatchObject({ phase: "failed", reason: "FailedCreate", message: "exceeded quota: q" });
    const deadline = rolloutState(d({ observedGeneration: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "slow" }] }));
    expect(deadline).toMatchObject({ phase: "failed", reason: "ProgressDeadlineExceeded" });
  });
});
