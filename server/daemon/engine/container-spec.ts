// Pure mapping from a workload to the engine's container create options. Names are deterministic
// so that a daemon killed between "create" and "record" finds (and adopts) what it made instead of
// starting a duplicate.
import type { ContainerCreateOptions } from "dockerode";
import type { WorkloadSpec } from "../../runtime/runtime-driver";
import { engineUser, volumeGroup } from "../../runtime/run-as";

export const LABEL = {
  managed: "slipway.managed",
  instance: "slipway.instance",
  app: "slipway.app",
  release: "slipway.release",
  replica: "slipway.replica",
  port: "slipway.port",
  /** the restart policy it was created with (see RestartPolicy); absent on older containers: unless-stopped */
  restart: "slipway.restart",
  /** the app's restart generation it was made for: a rolling restart replaces older ones */
  generation: "slipway.generation",
} as const;

const ID = /^[a-z0-9]+$/;

/** Ids (cuids) are lowercase alphanumerics; anything else would make names ambiguous. */
export function assertEngineId(kind: string, id: string): string {
  if (!ID.test(id)) throw new Error(`${kind} id ${JSON.stringify(id)} is not a lowercase alphanumeric id`);
  return id;
}

/**
 * Named by release id (unique per installation) and replica, never by slugs: "john"/"doe"/"web-api"
 * and "john-doe"/"web"/"api" would join to the same words. The short instance id keeps two
 * installations (or test runs) on one engine apart.
 */
export function containerName(spec: Pick<WorkloadSpec, "releaseId">, replica: number, instanceId: string, generation = 0): string {
  // Generation 0 keeps the names containers had before rolling restarts existed (adoption by name).
  const gen = generation > 0 ? `-g${generation}` : "";
  return `slipway-${instanceId.slice(0, 6).toLowerCase()}-${assertEngineId("release", spec.releaseId)}-${replica}${gen}`;
}

/** One repository per app, by app id; builds are its tags. */
export function imageRepository(appId: string): string {
  // "localhost/" keeps Podman from qualifying the name with docker.io: these images are never pulled.
  return `${SLIPWAY_IMAGE_PREFIX}app-${assertEngineId("app", appId)}`;
}

export const SLIPWAY_IMAGE_PREFIX = "localhost/slipway/";

export function imageTag(appId: string, buildNumber: number): string {
  if (!Number.isInteger(buildNumber) || buildNumber < 1) throw new Error(`invalid build number ${buildNumber}`);
  return `${imageRepository(appId)}:b${buildNumber}`;
}

/** Labels on every image Slipway builds: whose it is decides who may build FROM it. */
export const IMAGE_LABEL = {
  team: "slipway.team-id",
  app: "slipway.app-id",
  build: "slipway.build-id",
} as const;

export interface ContainerPlan {
  name: string;
  labels: Record<string, string>;
  options: ContainerCreateOptions;
}

export interface ContainerLimits {
  /** most processes (threads included) the container may have: a fork bomb stays inside it */
  pidsLimit?: number;
  /** the network to join (the team's own, see network-isolation.ts); the engine's default when unset */
  network?: string;
  /** where a volume's data is on this machine (volume-mounts.ts): needed when the spec has volumes */
  volumeDataPath?: (volumeId: string) => string;
}

/**
 * One bind mount per attached volume: its data dir on this machine at the app's mount path
 * (checked by server/volumes/mount-path.ts: absolute, no ':' or ','). Every replica of the app,
 * of the old release and the new during a switch, binds the same directory.
 */
export function volumeBinds(spec: Pick<WorkloadSpec, "volumes">, dataPath: ((volumeId: string) => string) | undefined): string[] {
  if (!spec.volumes.length) return [];
  if (!dataPath) throw new Error("the app has volumes but this runtime was not told where volumes are mounted");
  return spec.volumes.map((v) => {
    if (!v.mountPath.startsWith("/") || /[:,\s]/.test(v.mountPath)) throw new Error(`volume ${v.name}: mount path ${JSON.stringify(v.mountPath)} is not usable`);
    return `${dataPath(v.volumeId)}:${v.mountPath}:rw`;
  });
}

/**
 * "no" (every replica slipwayd makes): slipwayd restarts a crashed container itself, with
 * backoff, seeing each exit code — a crash loop ends a rollout, and a live release that keeps
 * crashing shows "crashing" and may be rolled back. "unless-stopped": the engine brings a crashed
 * container back by itself, at once and forever, hiding the exit code; containers made by older
 * versions have it. The engine cannot change a container's policy later.
 */
export type RestartPolicy = "unless-stopped" | "no";

export function planContainer(
  spec: WorkloadSpec,
  replica: number,
  instanceId: string,
  image: string,
  limits: ContainerLimits = {},
  restartPolicy: RestartPolicy = "no",
  generation = 0,
): ContainerPlan {
  const name = containerName(spec, replica, instanceId, generation);
  const labels: Record<string, string> = {
    [LABEL.managed]: "true",
    [LABEL.instance]: instanceId,
    [LABEL.app]: spec.appId,
    [LABEL.release]: spec.releaseId,
    [LABEL.replica]: String(replica),
    [LABEL.port]: String(spec.containerPort),
    [LABEL.restart]: restartPolicy,
    [LABEL.generation]: String(generation),
  };
  const port = `${spec.containerPort}/tcp`;
  const binds = volumeBinds(spec, limits.volumeDataPath);
  return {
    name,
    labels,
    options: {
      name,
      Image: image,
      Labels: labels,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      // Whom it runs as, the same as on a cluster (server/runtime/run-as.ts): never root.
      ...(spec.runAs ? { User: engineUser(spec.runAs) } : {}),
      ExposedPorts: { [port]: {} },
      HostConfig: {
        // Loopback only: the ingress proxy is the one way in from outside.
        PortBindings: { [port]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
        NanoCpus: spec.cpuMillicores * 1_000_000,
        Memory: spec.memoryMib * 1024 * 1024,
        // No swap on top: past its memory the app is OOM-killed, and the release says so.
        MemorySwap: spec.memoryMib * 1024 * 1024,
        ...(limits.pidsLimit ? { PidsLimit: limits.pidsLimit } : {}),
        ...(limits.network ? { NetworkMode: limits.network } : {}),
        ...(binds.length ? { Binds: binds } : {}),
        // As a cluster's fsGroup (server/runtime/run-as.ts).
        ...(spec.runAs ? { GroupAdd: [String(volumeGroup(spec.runAs))] } : {}),
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        // PID 1 forwards SIGTERM and reaps zombies, so stops are graceful.
        Init: true,
        // A sandboxed OCI runtime (e.g. runsc for gVisor) when the project asks for one; the engine
        // must know it by that name, or the container fails to start and the release says why.
        ...(spec.runtimeClass ? { Runtime: spec.runtimeClass } : {}),
        // The machine's hard open-files limit is below Podman's default: without these the
        // container fails to start.
        Ulimits: [
          { Name: "nofile", Soft: 10000, Hard: 10000 },
          { Name: "nproc", Soft: 4096, Hard: 4096 },
        ],
        RestartPolicy: { Name: restartPolicy, MaximumRetryCount: 0 },
      },
    },
  };
}
