// Pure mapping from a workload to the engine's container create options. Names are deterministic
// so that a daemon killed between "create" and "record" finds (and adopts) what it made instead of
// starting a duplicate.
import type { ContainerCreateOptions } from "dockerode";
import type { WorkloadSpec } from "../../runtime/runtime-driver";

export const LABEL = {
  managed: "slipway.managed",
  instance: "slipway.instance",
  app: "slipway.app",
  release: "slipway.release",
  replica: "slipway.replica",
  port: "slipway.port",
} as const;

/** Carries a short instance id: two installations (or test runs) on one engine never collide. */
export function containerName(spec: Pick<WorkloadSpec, "teamSlug" | "projectSlug" | "appSlug" | "releaseVersion">, replica: number, instanceId: string): string {
  return `slipway-${instanceId.slice(0, 6)}-${spec.teamSlug}-${spec.projectSlug}-${spec.appSlug}-r${spec.releaseVersion}-${replica}`.toLowerCase();
}

export function imageTag(teamSlug: string, projectSlug: string, appSlug: string, buildNumber: number): string {
  // "localhost/" keeps Podman from qualifying the name with docker.io: these images are never pushed.
  return `localhost/slipway/${teamSlug}-${projectSlug}-${appSlug}:b${buildNumber}`.toLowerCase();
}

export interface ContainerPlan {
  name: string;
  labels: Record<string, string>;
  options: ContainerCreateOptions;
}

export function planContainer(spec: WorkloadSpec, replica: number, instanceId: string, image: string): ContainerPlan {
  const name = containerName(spec, replica, instanceId);
  const labels: Record<string, string> = {
    [LABEL.managed]: "true",
    [LABEL.instance]: instanceId,
    [LABEL.app]: spec.appId,
    [LABEL.release]: spec.releaseId,
    [LABEL.replica]: String(replica),
    [LABEL.port]: String(spec.containerPort),
  };
  const port = `${spec.containerPort}/tcp`;
  return {
    name,
    labels,
    options: {
      name,
      Image: image,
      Labels: labels,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      ExposedPorts: { [port]: {} },
      HostConfig: {
        // Loopback only: the ingress proxy is the one way in from outside.
        PortBindings: { [port]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
        NanoCpus: spec.cpuMillicores * 1_000_000,
        Memory: spec.memoryMib * 1024 * 1024,
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
        RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 },
        ...(spec.runtimeClass ? { Runtime: spec.runtimeClass } : {}),
      },
    },
  };
}
