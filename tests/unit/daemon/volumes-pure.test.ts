// The pure parts of embedded volumes: reading the kernel's mount table, the bind mounts a replica
// gets, why an app's replicas wait for its volumes, and what a held app's route answers.
import { describe, expect, it } from "vitest";
import { mountAt, parseMountInfo } from "@/server/daemon/volumes/mount-table";
import { planContainer, volumeBinds } from "@/server/daemon/engine/container-spec";
import { volumesWaitingReason } from "@/server/daemon/reconcile/desired-state";
import { heldMessage, renderCaddyConfig } from "@/server/daemon/ingress/caddy-config";
import { routeKey } from "@/server/daemon/ingress/route-table";
import type { WorkloadSpec } from "@/server/runtime/runtime-driver";

const MOUNTINFO = [
  "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
  "95 27 7:0 / /var/lib/slipway/volumes/abc rw,nosuid,nodev,relatime shared:50 - ext4 /dev/loop0 rw",
  "96 27 7:1 / /tmp/with\\040space rw,relatime - ext4 /dev/loop1 rw",
  "97 95 7:2 / /var/lib/slipway/volumes/abc rw,relatime - ext4 /dev/loop2 rw",
  "",
].join("\n");

describe("mount table", () => {
  it("reads mount points, types and sources, octal escapes included", () => {
    const t = parseMountInfo(MOUNTINFO);
    expect(t).toHaveLength(4);
    expect(t[1]).toEqual({ mountPoint: "/var/lib/slipway/volumes/abc", fsType: "ext4", source: "/dev/loop0" });
    expect(t[2]!.mountPoint).toBe("/tmp/with space");
  });

  it("finds the topmost mount at a point, and none elsewhere", () => {
    const t = parseMountInfo(MOUNTINFO);
    expect(mountAt(t, "/var/lib/slipway/volumes/abc")?.source).toBe("/dev/loop2");
    expect(mountAt(t, "/var/lib/slipway/volumes/ab")).toBeNull();
  });
});

const spec = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  teamSlug: "acme",
  projectSlug: "shop",
  appSlug: "web",
  appId: "app1",
  releaseId: "rel1",
  releaseVersion: 1,
  imageRef: "img",
  containerPort: 8080,
  healthCheckPath: "/",
  cpuMillicores: 250,
  memoryMib: 64,
  replicas: 1,
  env: {},
  runAs: { uid: 10001, gid: 10001, imageUser: "" },
  volumes: [],
  ...over,
});

describe("volume bind mounts", () => {
  const dataPath = (id: string) => `/data/volumes/${id}/data`;

  it("binds each attached volume's data dir at its mount path, read-write", () => {
    const s = spec({ volumes: [{ volumeId: "v1", name: "db", mountPath: "/var/lib/db", sizeGib: 1 }, { volumeId: "v2", name: "up", mountPath: "/uploads", sizeGib: 2 }] });
    expect(volumeBinds(s, dataPath)).toEqual(["/data/volumes/v1/data:/var/lib/db:rw", "/data/volumes/v2/data:/uploads:rw"]);
    const plan = planContainer(s, 0, "inst01", "img", { volumeDataPath: dataPath });
    expect(plan.options.HostConfig?.Binds).toEqual(volumeBinds(s, dataPath));
    expect(plan.options.HostConfig?.GroupAdd).toEqual(["10001"]);
  });

  it("adds no bind without volumes, and refuses volumes it cannot place or a mount path the engine would misread", () => {
    expect(planContainer(spec(), 0, "inst01", "img").options.HostConfig?.Binds).toBeUndefined();
    const one = spec({ volumes: [{ volumeId: "v1", name: "db", mountPath: "/db", sizeGib: 1 }] });
    expect(() => planContainer(one, 0, "inst01", "img")).toThrow(/not told where volumes are mounted/);
    expect(() => volumeBinds({ volumes: [{ volumeId: "v1", name: "db", mountPath: "/a:/b", sizeGib: 1 }] }, dataPath)).toThrow(/not usable/);
    expect(() => volumeBinds({ volumes: [{ volumeId: "v1", name: "db", mountPath: "rel", sizeGib: 1 }] }, dataPath)).toThrow(/not usable/);
  });
});

describe("replicas wait for their volumes", () => {
  const v = (over: Partial<Parameters<typeof volumesWaitingReason>[0][number]>) => ({
    id: "v1",
    appId: "a1",
    name: "db",
    mountPath: "/db",
    sizeGib: 1,
    provisionedGib: 1,
    state: "ready",
    stateReason: "",
    ...over,
  });

  it("does not wait for ready volumes, or for an app without any", () => {
    expect(volumesWaitingReason([])).toBeNull();
    expect(volumesWaitingReason([v({})])).toBeNull();
  });

  it("waits for one not made yet, or failed, saying which and why", () => {
    expect(volumesWaitingReason([v({ state: "pending", provisionedGib: 0 })])).toBe("volume db is not ready yet");
    expect(volumesWaitingReason([v({}), v({ name: "up", state: "failed", stateReason: "mkfs.ext4 is not installed" })])).toBe("volume up failed: mkfs.ext4 is not installed");
    expect(volumesWaitingReason([v({ state: "pending", provisionedGib: 1, stateReason: "growing from 1 GiB to 2 GiB" })])).toBe("volume db is not ready yet (growing from 1 GiB to 2 GiB)");
  });
});

describe("a held app's route", () => {
  it("answers 503 saying why, not 'app stopped'", () => {
    const route = { appId: "a1", key: routeKey("acme", "shop", "web"), live: true, upstreams: [], domains: [], challenges: [], stopped: true, heldReason: "volume db is being restored from a backup" };
    const c = renderCaddyConfig([route], { domain: "apps.example.com", httpPort: 80, httpsPort: 443, tlsIssuer: "internal", adminSocket: "/a.sock" }) as { apps: { http: { servers: { ingress: { routes: { match?: { host?: string[] }[]; handle: { status_code?: number; body?: string }[] }[] } } } } };
    const r = c.apps.http.servers.ingress.routes.find((x) => x.match?.[0]?.host?.includes("web.shop.acme.apps.example.com"));
    expect(r?.handle[0]).toMatchObject({ status_code: 503, body: `${heldMessage("volume db is being restored from a backup")}\n` });
    expect(heldMessage("x")).toBe("app unavailable for a moment: x");
  });
});
