import { describe, expect, it } from "vitest";
import { clusterImageRef, isLoopbackRegistry, splitImageRef } from "@/server/runtime/kubernetes/cluster-image-ref";

describe("clusterImageRef", () => {
  const built = "localhost/slipway/acme-shop-web:b3";

  it("keeps the reference as built when the cluster has no registry", () => {
    expect(clusterImageRef(built, "")).toBe(built);
    expect(clusterImageRef(built, undefined)).toBe(built);
    expect(clusterImageRef(built, "  ")).toBe(built);
  });

  it("moves the image under the registry prefix, dropping Podman's localhost/ and trailing slashes", () => {
    expect(clusterImageRef(built, "127.0.0.1:5055/slipway")).toBe("127.0.0.1:5055/slipway/slipway/acme-shop-web:b3");
    expect(clusterImageRef(built, "registry.example.com//")).toBe("registry.example.com/slipway/acme-shop-web:b3");
    expect(clusterImageRef("slipway/x:b1", "r.example.com:5000")).toBe("r.example.com:5000/slipway/x:b1");
  });
});

describe("splitImageRef", () => {
  it("splits the tag after the last path segment, not a registry port", () => {
    expect(splitImageRef("127.0.0.1:5055/slipway/a:b3")).toEqual({ repository: "127.0.0.1:5055/slipway/a", tag: "b3" });
    expect(splitImageRef("127.0.0.1:5055/slipway/a")).toEqual({ repository: "127.0.0.1:5055/slipway/a", tag: "latest" });
    expect(splitImageRef("busybox:1")).toEqual({ repository: "busybox", tag: "1" });
  });
});

describe("isLoopbackRegistry", () => {
  it("is true only for loopback hosts", () => {
    expect(isLoopbackRegistry("127.0.0.1:5055/slipway")).toBe(true);
    expect(isLoopbackRegistry("localhost:5000")).toBe(true);
    expect(isLoopbackRegistry("127.3.2.1")).toBe(true);
    expect(isLoopbackRegistry("registry.example.com:5000/slipway")).toBe(false);
    expect(isLoopbackRegistry("127.0.0.1.example.com/x")).toBe(false);
    expect(isLoopbackRegistry("10.0.0.1:5000")).toBe(false);
  });
});
