// An app's objects in its team namespace, from the same WorkloadSpec the embedded runtime runs.
// Rolling updates never take a ready replica away before its replacement is ready
// (maxUnavailable 0), pods run as non-root with no privileges, and the env lives in a Secret.
import type { V1Affinity, V1Deployment, V1Ingress, V1PodSecurityContext, V1Secret, V1Service, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { WorkloadSpec } from "../runtime-driver";
import { DEFAULT_RUN_AS_ID, volumeGroup } from "../run-as";
import { appNodePlacement } from "./app-node-placement";
import { envSecretName, LABEL, MANAGED_BY, teamNamespace, volumeClaimName, workloadName } from "./names";

export interface AppManifestOptions {
  /** Host for the Ingress rule; none when the cluster has no ingress domain. */
  ingressHost?: string;
  ingressClassName?: string;
  /** The image as the cluster's nodes can pull it (pushed to the cluster's registry, or local). */
  image: string;
  /** The cluster's app-node setting ("key=value,…"): pods select and tolerate those nodes. */
  appNodeSelector?: string;
  /** Mount the root filesystem read-only (the app writes only to /tmp). */
  readOnlyRootFilesystem?: boolean;
}

/** Seconds a replaced pod keeps serving after it is told to stop (well within the 30 s grace period). */
export const PRE_STOP_SLEEP_SECONDS = 5;

export type AppObject = V1Deployment | V1Service | V1Ingress | V1Secret;


export function appLabels(spec: WorkloadSpec): Record<string, string> {
  return {
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.name]: spec.appSlug,
    [LABEL.team]: spec.teamSlug,
    [LABEL.project]: spec.projectSlug,
    [LABEL.app]: spec.appSlug,
    [LABEL.appId]: spec.appId,
  };
}

/**
 * Whom the pod runs as: the release's run-as (server/runtime/run-as.ts), the same user and group
 * as on the embedded runtime; numeric and non-root, as Pod Security `restricted` requires. A
 * group left to the image (gid null) stays unset, so the container runtime takes the user's
 * primary group from the image's /etc/passwd, as Podman does. Releases made before the policy
 * run as the default user, as they did.
 */
function podSecurityContext(runAs: WorkloadSpec["runAs"]): V1PodSecurityContext {
  const { uid, gid } = runAs ?? { uid: DEFAULT_RUN_AS_ID, gid: DEFAULT_RUN_AS_ID };
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    ...(gid === null ? {} : { runAsGroup: gid }),
    fsGroup: volumeGroup({ gid }),
    // A volume is handed to the group once; later mounts skip the recursive chown when its root
    // already belongs to the group (a full walk of a large volume delays every pod start).
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Each attached volume's claim as a pod volume (named like the claim), mounted at its path. */
function podVolumes(volumes: WorkloadSpec["volumes"]): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  return {
    volumes: volumes.map((v) => ({ name: volumeClaimName(v.volumeId), persistentVolumeClaim: { claimName: volumeClaimName(v.volumeId) } })),
    mounts: volumes.map((v) => ({ name: volumeClaimName(v.volumeId), mountPath: v.mountPath })),
  };
}

/**
 * An app with a volume keeps its pods on one node: a ReadWriteOnce claim can be mounted by pods
 * of one node only, so the surge pod of a rolling update must land where the old pod runs (the
 * two share the volume during the switch, as on the embedded runtime) instead of waiting forever
 * for a disk attached elsewhere. The first pod goes anywhere (no pod matches yet).
 */
function sameNodeAffinity(appId: string): V1Affinity {
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { [LABEL.appId]: appId } }, topologyKey: "kubernetes.io/hostname" }],
    },
  };
}

export function appManifests(spec: WorkloadSpec, o: AppManifestOptions): AppObject[] {
  const namespace = teamNamespace(spec.teamSlug);
  const name = workloadName(spec.appId);
  const labels = appLabels(spec);
  const metadata = { name, namespace, labels };
  const selector = { [LABEL.appId]: spec.appId };
  const cpu = `${spec.cpuMillicores}m`;
  const memory = `${spec.memoryMib}Mi`;
  const storage = podVolumes(spec.volumes);

  const secret: V1Secret = { apiVersion: "v1", kind: "Secret", metadata: { ...metadata, name: envSecretName(spec.appId) }, type: "Opaque", stringData: spec.env };

  const deployment: V1Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { ...metadata, annotations: { "slipway.dev/release-version": String(spec.releaseVersion) } },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      progressDeadlineSeconds: 180,
      revisionHistoryLimit: 5,
      template: {
        metadata: { labels: { ...labels, [LABEL.release]: spec.releaseId } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          runtimeClassName: spec.runtimeClass,
          ...appNodePlacement(o.appNodeSelector),
          ...(spec.volumes.length ? { affinity: sameNodeAffinity(spec.appId), volumes: storage.volumes } : {}),
          securityContext: podSecurityContext(spec.runAs),
          containers: [
            {
              name: "app",
              image: o.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: spec.containerPort, protocol: "TCP" }],
              envFrom: [{ secretRef: { name: envSecretName(spec.appId) } }],
              ...(storage.mounts.length ? { volumeMounts: storage.mounts } : {}),
              resources: { requests: { cpu, memory }, limits: { cpu, memory } },
              readinessProbe: {
                httpGet: { path: spec.healthCheckPath, port: spec.containerPort },
                // Every 2 s: a new pod's first probe often comes before the app listens, and the
                // next one decides when it serves (at 5 s one rollout in four waited 6–11 s).
                periodSeconds: 2,
                timeoutSeconds: 3,
                failureThreshold: 3,
              },
              // A pod being replaced keeps serving while the endpoint controllers, kube-proxy and the
              // API server's service proxy learn that it is going: without this, requests still
              // routed to it in that window meet a closed port. Sleep needs nothing in the image.
              lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                readOnlyRootFilesystem: o.readOnlyRootFilesystem ?? false,
              },
            },
          ],
        },
      },
    },
  };

  const service: V1Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: { selector, ports: [{ name: "http", port: 80, targetPort: spec.containerPort, protocol: "TCP" }] },
  };

  const objects: AppObject[] = [secret, deployment, service];
  if (o.ingressHost) {
    const ingress: V1Ingress = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata,
      spec: {
        ingressClassName: o.ingressClassName || undefined,
        rules: [{ host: o.ingressHost, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } }] } }],
      },
    };
    objects.push(ingress);
  }
  return objects;
}
