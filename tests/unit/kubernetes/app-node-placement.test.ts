import { describe, expect, it } from "vitest";
import type { V1Deployment } from "@kubernetes/client-node";
import { appNodePlacement, appNodeSelectorProblem, parseAppNodeSelector } from "@/server/runtime/kubernetes/app-node-placement";
import { appManifests } from "@/server/runtime/kubernetes/app-manifests";
import { updateClusterInput } from "@/server/clusters/schemas";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const spec: WorkloadSpec = {
  teamSlug: "acme", projectSlug: "shop", appSlug: "web", appId: "a1", releaseId: "r1", releaseVersion: 1,
  imageRef: "localhost/slipway/acme-shop-web:b1", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 100,
  memoryMib: 64, replicas: 1, env: {}, runAs: null, volumes: [],
};

describe("the cluster's app-node setting", () => {
  it("parses key=value pairs, prefixed keys and empty values, ignoring spaces and empty parts", () => {
    expect(parseAppNodeSelector("")).toEqual({});
    expect(parseAppNodeSelector(" slipway.dev/real-node=true , pool=apps,, edge= ")).toEqual({ "slipway.dev/real-node": "true", pool: "apps", edge: "" });
  });

  it("refuses what Kubernetes would refuse, saying which part", () => {
    expect(appNodeSelectorProblem("pool")).toMatch(/"pool" must be key=value/);
    expect(appNodeSelectorProblem("Bad_Prefix.io/x=y")).toMatch(/prefix of label key/);
    expect(appNodeSelectorProblem("-pool=apps")).toMatch(/label key "-pool"/);
    expect(appNodeSelectorProblem(`pool=${"a".repeat(64)}`)).toMatch(/value of "pool"/);
    expect(appNodeSelectorProblem("pool=a,pool=b")).toMatch(/given twice/);
    expect(appNodeSelectorProblem("pool=apps")).toBeNull();
    const parsed = updateClusterInput.safeParse({ appNodeSelector: "pool=a b" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["appNodeSelector"]);
  });

  it("selects the labelled nodes and tolerates their NoSchedule taints; nothing when unset", () => {
    expect(appNodePlacement("")).toEqual({});
    expect(appNodePlacement(undefined)).toEqual({});
    const deployment = appManifests(spec, { image: "x", appNodeSelector: "slipway.dev/real-node=true" }).find((o) => o.kind === "Deployment") as V1Deployment;
    const pod = deployment.spec!.template.spec!;
    expect(pod.nodeSelector).toEqual({ "slipway.dev/real-node": "true" });
    expect(pod.tolerations).toEqual([{ key: "slipway.dev/real-node", operator: "Equal", value: "true", effect: "NoSchedule" }]);
    const anywhere = appManifests(spec, { image: "x" }).find((o) => o.kind === "Deployment") as V1Deployment;
    expect(anywhere.spec!.template.spec!.nodeSelector).toBeUndefined();
    expect(anywhere.spec!.template.spec!.tolerations).toBeUndefined();
  });
});
