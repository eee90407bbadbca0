import { z } from "zod";
import { DNS1123_LABEL, slugSchema } from "../slugs";
import { MAX_KUBECONFIG_BYTES } from "./constants";
import { appNodeSelectorProblem } from "../runtime/kubernetes/app-node-placement";

export { MAX_KUBECONFIG_BYTES };

const kubeconfigSchema = z
  .string()
  .min(1, "a kubeconfig is required")
  .refine((text) => new TextEncoder().encode(text).length <= MAX_KUBECONFIG_BYTES, "must be at most 256 KiB");

// The registry images are pushed to for this cluster: host[:port][/path], no scheme.
const imageRegistrySchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^$|^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/i, "must be host[:port][/path] without a scheme, e.g. registry.example.com:5000/slipway");

const dnsSubdomainSchema = z
  .string()
  .trim()
  .max(253)
  .refine((s) => s === "" || s.split(".").every((part) => DNS1123_LABEL.test(part) && part.length <= 63), "must be a DNS name: lowercase labels separated by '.'");

// Node labels app pods select (and whose NoSchedule taints they tolerate): "key=value,…".
const appNodeSelectorSchema = z
  .string()
  .trim()
  .max(1000)
  .superRefine((s, ctx) => {
    const problem = appNodeSelectorProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

// The StorageClass of volumes' claims: a DNS subdomain ("" = the cluster's default class).
const storageClassNameSchema = dnsSubdomainSchema;

export const clusterSettingsShape = {
  imageRegistry: imageRegistrySchema,
  ingressClassName: dnsSubdomainSchema,
  ingressNamespace: z.string().trim().max(63).regex(DNS1123_LABEL, "must be a Kubernetes namespace name (a DNS-1123 label)"),
  ingressDomain: dnsSubdomainSchema,
  appNodeSelector: appNodeSelectorSchema,
  storageClassName: storageClassNameSchema,
};

export const registerClusterInput = z.object({
  name: slugSchema,
  kubeconfig: kubeconfigSchema,
  imageRegistry: clusterSettingsShape.imageRegistry.optional(),
  ingressClassName: clusterSettingsShape.ingressClassName.optional(),
  ingressNamespace: clusterSettingsShape.ingressNamespace.optional(),
  ingressDomain: clusterSettingsShape.ingressDomain.optional(),
  appNodeSelector: clusterSettingsShape.appNodeSelector.optional(),
  storageClassName: clusterSettingsShape.storageClassName.optional(),
});
export type RegisterClusterInput = z.input<typeof registerClusterInput>;

// The name is not updatable: projects refer to a cluster as "cluster:<name>". Unknown keys are
// refused rather than silently ignored, so `{ name }` gets a clear answer.
export const updateClusterInput = z
  .object({
    kubeconfig: kubeconfigSchema,
    imageRegistry: clusterSettingsShape.imageRegistry,
    ingressClassName: clusterSettingsShape.ingressClassName,
    ingressNamespace: clusterSettingsShape.ingressNamespace,
    ingressDomain: clusterSettingsShape.ingressDomain,
    appNodeSelector: clusterSettingsShape.appNodeSelector,
    storageClassName: clusterSettingsShape.storageClassName,
  })
  .partial()
  .strict();
export type UpdateClusterInput = z.input<typeof updateClusterInput>;

/** What any signed-in member may see of a cluster: never its kubeconfig. */
export interface ClusterDto {
  id: string;
  name: string;
  /** The runtime target projects use to choose this cluster: "cluster:<name>". */
  target: string;
  server: string;
  imageRegistry: string;
  ingressClassName: string;
  ingressNamespace: string;
  ingressDomain: string;
  /** Node labels app pods run on ("key=value,…"; "" = anywhere). */
  appNodeSelector: string;
  /** The StorageClass of volumes' PersistentVolumeClaims ("" = the cluster's default class). */
  storageClassName: string;
  reachable: boolean;
  version: string | null;
  lastError: string | null;
  /** What to do about lastError, when the cluster is unreachable. */
  hint: string | null;
  lastCheckedAt: string | null;
  createdAt: string;
}


