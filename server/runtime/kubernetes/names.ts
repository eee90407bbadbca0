// Kubernetes names for Slipway's objects. Team, project and app slugs are DNS-1123 labels of at
// most 40 characters; Service names must also be DNS-1035 labels (start with a letter, ≤ 63), so
// long or digit-led combinations are shortened with a stable hash.
import { createHash } from "node:crypto";

export const FIELD_MANAGER = "slipway";

export const LABEL = {
  managedBy: "app.kubernetes.io/managed-by",
  name: "app.kubernetes.io/name",
  team: "slipway.dev/team",
  project: "slipway.dev/project",
  app: "slipway.dev/app",
  appId: "slipway.dev/app-id",
  release: "slipway.dev/release",
} as const;

export const MANAGED_BY = "slipway";

export function teamNamespace(teamSlug: string): string {
  return `slipway-${teamSlug}`;
}

function shortHash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/** The name of an app's Deployment, Service, Ingress and Secret (unique within its team namespace). */
export function workloadName(projectSlug: string, appSlug: string): string {
  let name = `${projectSlug}-${appSlug}`;
  if (!/^[a-z]/.test(name)) name = `a-${name}`;
  if (name.length > 63) name = `${name.slice(0, 54).replace(/-+$/, "")}-${shortHash(`${projectSlug}/${appSlug}`)}`;
  return name;
}

export const TEAM_SERVICE_ACCOUNT = "slipway-deployer";
