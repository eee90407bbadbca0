import { describe, expect, it } from "vitest";
import { containerName, planContainer } from "@/server/daemon/engine/container-spec";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const spec: WorkloadSpec = {
  teamSlug: "acme", projectSlug: "shop", appSlug: "web", appId: "a1", releaseId: "r1", releaseVersion: 2,
  imageRef: "img", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 500, memoryMib: 64, replicas: 1, env: { A: "b" },
};

describe("planContainer", () => {
  it("publishes on loopback only, drops every capability, forbids privilege gain and applies limits", () => {
    const plan = planContainer(spec, 0, "0123456789abcdef", "sha256:x");
    const host = plan.options.HostConfig!;
    expect(host.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.SecurityOpt).toContain("no-new-privileges");
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.Memory).toBe(64 * 1024 * 1024);
    expect(host.Init).toBe(true);
    expect(host.Runtime).toBeUndefined();
    expect(plan.options.Env).toEqual(["A=b"]);
  });

  it("asks the engine for the project's sandboxed runtime", () => {
    expect(planContainer({ ...spec, runtimeClass: "runsc" }, 0, "0123456789abcdef", "sha256:x").options.HostConfig?.Runtime).toBe("runsc");
  });

  it("names containers per installation so two data dirs on one engine never collide", () => {
    expect(containerName(spec, 1, "0123456789abcdef")).toBe("slipway-012345-acme-shop-web-r2-1");
    expect(containerName(spec, 1, "fedcba9876543210")).not.toBe(containerName(spec, 1, "0123456789abcdef"));
  });
});
