// A team's footprint in a cluster: a namespace that Pod Security Admission holds to `restricted`,
// a ResourceQuota and LimitRange that mirror the team's Slipway quota, default-deny ingress with
// exceptions for the namespace itself and the ingress controller, and a ServiceAccount whose
// Role reaches nothing outside the namespace (the team's own credentials).
import type {
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1ResourceQuota,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import { LABEL, MANAGED_BY, TEAM_SERVICE_ACCOUNT, teamNamespace } from "./names";

export interface TeamQuotaSpec {
  cpuMillicores: number;
  memoryMib: number;
  storageGib: number;
  maxApps: number;
}

export interface TeamFootprintOptions {
  teamSlug: string;
  quota: TeamQuotaSpec;
  /** Namespace of the cluster's ingress controller, allowed through the default-deny policy. */
  ingressNamespace: string;
}

export type TeamObject = V1Namespace | V1ResourceQuota | V1LimitRange | V1NetworkPolicy | V1ServiceAccount | V1Role | V1RoleBinding;

export function teamManifests(o: TeamFootprintOptions): TeamObject[] {
  const namespace = teamNamespace(o.teamSlug);
  const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.team]: o.teamSlug };
  const meta = (name: string) => ({ name, namespace, labels });
  const ns: V1Namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        ...labels,
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
  const quota: V1ResourceQuota = {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: meta("slipway-team-quota"),
    spec: {
      hard: {
        "requests.cpu": `${o.quota.cpuMillicores}m`,
        "limits.cpu": `${o.quota.cpuMillicores}m`,
        "requests.memory": `${o.quota.memoryMib}Mi`,
        "limits.memory": `${o.quota.memoryMib}Mi`,
        // Every PersistentVolumeClaim's request counts here: the team's storage quota, mirrored
        // (it also counts embedded volumes, so the cluster never allows more than Slipway does).
        "requests.storage": `${o.quota.storageGib}Gi`,
        // Room for every app's replicas plus a surge pod each during rolling updates.
        "count/deployments.apps": String(o.quota.maxApps),
      },
    },
  };
  const limits: V1LimitRange = {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: meta("slipway-defaults"),
    spec: {
      limits: [
        {
          type: "Container",
          _default: { cpu: "250m", memory: "256Mi" },
          defaultRequest: { cpu: "250m", memory: "256Mi" },
          max: { cpu: `${o.quota.cpuMillicores}m`, memory: `${o.quota.memoryMib}Mi` },
        },
      ],
    },
  };
  const denyAll: V1NetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("slipway-default-deny"),
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  };
  const allowNamespace: V1NetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("slipway-allow-same-namespace"),
    spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ _from: [{ podSelector: {} }] }] },
  };
  const allowIngress: V1NetworkPolicy = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("slipway-allow-ingress-controller"),
    spec: {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ _from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": o.ingressNamespace } } }] }],
    },
  };
  const sa: V1ServiceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(TEAM_SERVICE_ACCOUNT), automountServiceAccountToken: false };
  const role: V1Role = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: meta(TEAM_SERVICE_ACCOUNT),
    rules: [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["services", "secrets"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: ["get", "list", "watch"] },
      // Volumes' claims (server/runtime/kubernetes/volume-claims.ts); the namespace's ResourceQuota
      // still caps their requests.storage.
      { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      // "Open" through the API server's service proxy (server/runtime/kubernetes/service-proxy.ts):
      // each HTTP method of a proxied request is checked as its verb (GET get, POST create, …).
      { apiGroups: [""], resources: ["services/proxy"], verbs: ["get", "create", "update", "patch", "delete"] },
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
    ],
  };
  const binding: V1RoleBinding = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: meta(TEAM_SERVICE_ACCOUNT),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: TEAM_SERVICE_ACCOUNT },
    subjects: [{ kind: "ServiceAccount", name: TEAM_SERVICE_ACCOUNT, namespace }],
  };
  return [ns, quota, limits, denyAll, allowNamespace, allowIngress, sa, role, binding];
}
