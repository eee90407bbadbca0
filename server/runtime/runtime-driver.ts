// The one interface through which the web layer and the reconciler reach a runtime. The embedded
// runtime (slipwayd + Podman) is the first implementation; Kubernetes is the second.
import type { RunAs } from "./run-as";

/** What a release needs to run, independent of the runtime. */
export interface WorkloadSpec {
  teamSlug: string;
  projectSlug: string;
  appSlug: string;
  appId: string;
  releaseId: string;
  releaseVersion: number;
  imageRef: string;
  containerPort: number;
  healthCheckPath: string;
  cpuMillicores: number;
  memoryMib: number;
  replicas: number;
  env: Record<string, string>;
  /** e.g. "runsc" (gVisor) or "kata"; undefined is the runtime's default. */
  runtimeClass?: string;
  /**
   * Whom its containers run as, the same on every runtime (run-as.ts); gid null: the user's
   * primary group from the image. null: a release made before that policy, run as it was then.
   */
  runAs: RunAs | null;
  /**
   * The app's attached volumes (desired state of the app, not of the release: attaching one
   * replaces the replicas with ones that mount it). Embedded: a bind mount of the volume's
   * loop-mounted filesystem; Kubernetes: a PersistentVolumeClaim.
   */
  volumes: AttachedVolume[];
}

export interface AttachedVolume {
  volumeId: string;
  name: string;
  mountPath: string;
  sizeGib: number;
}

export interface AppRef {
  appId: string;
  teamSlug: string;
  projectSlug: string;
  appSlug: string;
}

export type ReplicaState = "starting" | "running" | "unhealthy" | "exited";

export interface ReplicaStatus {
  id: string;
  releaseId: string;
  state: ReplicaState;
  startedAt?: string;
}

export interface AppRuntimeStatus {
  appId: string;
  liveReleaseId: string | null;
  url: string | null;
  replicas: ReplicaStatus[];
}

export interface LogLine {
  /** ISO-8601 timestamp from the runtime. */
  time: string;
  stream: "stdout" | "stderr";
  replica: string;
  line: string;
}

export interface LogStreamOptions {
  follow: boolean;
  /** Lines from the end of the existing log to send first. */
  tail?: number;
  /** Only this release's replicas, exited ones included while the runtime keeps them (a crashing rollout's reason). */
  releaseId?: string;
  signal?: AbortSignal;
}

export interface RuntimeDriver {
  readonly kind: "embedded" | "kubernetes";
  logs(app: AppRef, options: LogStreamOptions): AsyncIterable<LogLine>;
  /** Remove everything the runtime holds for the app. Idempotent. */
  remove(app: AppRef): Promise<void>;
  /** Ask the runtime to reconcile now instead of at its next tick. */
  nudge(): Promise<void>;
}

export type DriverErrorKind = "unavailable" | "not_found" | "invalid" | "quota" | "failed" | "timeout";

export class DriverError extends Error {
  constructor(
    readonly kind: DriverErrorKind,
    readonly target: "embedded" | "kubernetes",
    readonly resource: string,
    message: string,
  ) {
    super(message);
    this.name = "DriverError";
  }
}
