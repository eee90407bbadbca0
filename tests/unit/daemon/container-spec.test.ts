import { describe, expect, it } from "vitest";
import { containerName, imageRepository, imageTag, planContainer } from "@/server/daemon/engine/container-spec";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const spec: WorkloadSpec = {
  teamSlug: "acme", projectSlug: "shop", appSlug: "web", appId: "a1", releaseId: "r1", releaseVersion: 2,
  imageRef: "img", containerPort: 8080, healthCheckPath: "/", cpuMillicores: 500, memoryMib: 64, replicas: 1, env: { A: "b" }, runAs: { uid: 10001, gid: 10001, imageUser: "" }, volumes: [],
};

// Team "john" (project "doe", app "web-api") and team "john-doe" (project "web", app "api"): the
// slugs join to the same words, so nothing an engine sees may be made of them.
const john = { ...spec, teamSlug: "john", projectSlug: "doe", appSlug: "web-api", appId: "ck1app000000000000000001", releaseId: "ck1rel000000000000000001" };
const johnDoe = { ...spec, teamSlug: "john-doe", projectSlug: "web", appSlug: "api", appId: "ck2app000000000000000002", releaseId: "ck2rel000000000000000002" };

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

  it("caps processes and joins Slipway's network when asked", () => {
    const host = planContainer(spec, 0, "0123456789abcdef", "sha256:x", { pidsLimit: 128, network: "slipway-012345" }).options.HostConfig!;
    expect(host.PidsLimit).toBe(128);
    expect(host.NetworkMode).toBe("slipway-012345");
  });

  it("asks the engine for the project's sandboxed runtime", () => {
    expect(planContainer({ ...spec, runtimeClass: "runsc" }, 0, "0123456789abcdef", "sha256:x").options.HostConfig?.Runtime).toBe("runsc");
  });

  it("names containers per installation so two data dirs on one engine never collide", () => {
    expect(containerName(spec, 1, "0123456789abcdef")).toBe("slipway-012345-r1-1");
    expect(containerName(spec, 1, "fedcba9876543210")).not.toBe(containerName(spec, 1, "0123456789abcdef"));
  });

  it("gives john/doe/web-api and john-doe/web/api different containers and images", () => {
    expect(containerName(john, 0, "0123456789abcdef")).not.toBe(containerName(johnDoe, 0, "0123456789abcdef"));
    expect(imageTag(john.appId, 7)).not.toBe(imageTag(johnDoe.appId, 7));
    expect(imageRepository(john.appId)).toBe("localhost/slipway/app-ck1app000000000000000001");
    expect(imageTag(john.appId, 7)).toBe("localhost/slipway/app-ck1app000000000000000001:b7");
    for (const name of [containerName(john, 0, "0123456789abcdef"), imageTag(john.appId, 7)]) {
      expect(name).not.toContain("john");
      expect(name).not.toContain("web-api");
    }
  });

  it("refuses ids that are not lowercase alphanumerics instead of folding them together", () => {
    expect(() => imageTag("App-1", 1)).toThrow(/not a lowercase alphanumeric id/);
    expect(() => containerName({ releaseId: "r/1" }, 0, "0123456789abcdef")).toThrow(/not a lowercase alphanumeric id/);
    expect(() => imageTag("a1", 0)).toThrow(/build number/);
  });
});
