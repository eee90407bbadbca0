import { describe, expect, it } from "vitest";
import { registerClusterInput, updateClusterInput } from "@/server/clusters/schemas";
import { clusterNameOf as clusterNameFromTarget, clusterTarget } from "@/server/runtime/runtime-target";

describe("runtime targets", () => {
  it("round-trips a cluster name", () => {
    expect(clusterTarget("prod")).toBe("cluster:prod");
    expect(clusterNameFromTarget("cluster:prod")).toBe("prod");
    expect(clusterNameFromTarget("embedded")).toBeNull();
    expect(clusterNameFromTarget("cluster:")).toBeNull();
  });
});

describe("cluster inputs", () => {
  const ok = { name: "prod", kubeconfig: "apiVersion: v1" };
  it("accepts optional registry and ingress settings", () => {
    expect(registerClusterInput.parse({ ...ok, imageRegistry: "registry.example.com:5000/slipway", ingressClassName: "nginx", ingressNamespace: "ingress-nginx", ingressDomain: "apps.example.com" })).toMatchObject(ok);
    expect(registerClusterInput.parse({ ...ok, imageRegistry: "", ingressDomain: "" })).toMatchObject({ imageRegistry: "", ingressDomain: "" });
  });
  it.each([
    [{ name: "Prod" }, "name"],
    [{ imageRegistry: "https://registry.example.com" }, "imageRegistry"],
    [{ ingressNamespace: "Ingress_NS" }, "ingressNamespace"],
    [{ ingressDomain: "apps..example.com" }, "ingressDomain"],
    [{ kubeconfig: "" }, "kubeconfig"],
    [{ kubeconfig: "é".repeat(140 * 1024) }, "kubeconfig"], // 280 KiB in UTF-8
  ])("refuses %j", (patch, path) => {
    const r = registerClusterInput.safeParse({ ...ok, ...patch });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join(".")).toBe(path);
  });
  it("refuses a rename", () => {
    expect(updateClusterInput.safeParse({ name: "other" }).success).toBe(false);
    expect(updateClusterInput.parse({ ingressDomain: "apps.example.com" })).toEqual({ ingressDomain: "apps.example.com" });
  });
});
