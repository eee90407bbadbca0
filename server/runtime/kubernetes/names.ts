// Kubernetes names for Slipway's objects. Namespaces are per team (team slugs are unique DNS-1123
// labels); everything inside one is named by id, so no two apps of a team can share a name.

export const FIELD_MANAGER = "slipway";

export const LABEL = {
  managedBy: "app.kubernetes.io/managed-by",
  name: "app.kubernetes.io/name",
  team: "slipway.dev/team",
  project: "slipway.dev/project",
  app: "slipway.dev/app",
  appId: "slipway.dev/app-id",
  release: "slipway.dev/release",
  volumeId: "slipway.dev/volume-id",
} as const;

export const MANAGED_BY = "slipway";

export function teamNamespace(teamSlug: string): string {
  return `slipway-${teamSlug}`;
}

/**
 * The name of an app's Deployment, Service, Ingress and Secret in its team namespace: by app id,
 * never by slugs (project "a-b"/app "c" and project "a"/app "b-c" would both be "a-b-c"). A cuid is
 * lowercase alphanumeric, so "app-<id>" is a DNS-1035 label; the slugs stay on the objects as labels
 * for people.
 */
export function workloadName(appId: string): string {
  // A fixed prefix on a unique id stays unique; the id only has to keep the name a DNS-1035 label.
  if (appId.length > 59 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(appId)) throw new Error(`app id ${JSON.stringify(appId)} cannot name Kubernetes objects`);
  return `app-${appId}`;
}

/** The Secret holding an app's environment. */
export function envSecretName(appId: string): string {
  return `${workloadName(appId)}-env`;
}

/**
 * The PersistentVolumeClaim of a Slipway volume in its team namespace, by volume id (volume names
 * are unique per project only). Also the name of the pod volume that mounts it.
 */
export function volumeClaimName(volumeId: string): string {
  if (volumeId.length > 59 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(volumeId)) throw new Error(`volume id ${JSON.stringify(volumeId)} cannot name Kubernetes objects`);
  return `vol-${volumeId}`;
}

export const TEAM_SERVICE_ACCOUNT = "slipway-deployer";
