// Where a cluster's app pods run, from the cluster's "app nodes" setting ("key=value,…"): the
// dedicated-nodes pattern of the Kubernetes docs. Pods select nodes with those labels and tolerate
// NoSchedule taints with the same key and value, so an admin can keep other workloads off the
// nodes Slipway's apps run on (the test cluster's real node is labelled and tainted this way).
import type { V1PodSpec } from "@kubernetes/client-node";

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is not valid, or null (Kubernetes' rules: [prefix/]name). */
function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (!prefix || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `the prefix of label key "${key}" must be a DNS subdomain`;
  if (!name || name.length > 63 || !NAME.test(name)) return `label key "${key}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return null;
}

function labelValueProblem(key: string, value: string): string | null {
  if (value === "") return null;
  if (value.length > 63 || !NAME.test(value)) return `the value of "${key}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return null;
}

/** "a=b, c=d" → { a: "b", c: "d" }; "" → {}. Throws with the first problem found. */
export function parseAppNodeSelector(text: string): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new Error(`"${part}" must be key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const problem = labelKeyProblem(key) ?? labelValueProblem(key, value);
    if (problem) throw new Error(problem);
    if (key in selector) throw new Error(`label key "${key}" is given twice`);
    selector[key] = value;
  }
  return selector;
}

/** Why the setting is not valid, or null. */
export function appNodeSelectorProblem(text: string): string | null {
  try {
    parseAppNodeSelector(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The pod spec fields that put app pods on those nodes; none for an empty setting. */
export function appNodePlacement(text: string | undefined): Pick<V1PodSpec, "nodeSelector" | "tolerations"> {
  const selector = parseAppNodeSelector(text ?? "");
  const entries = Object.entries(selector);
  if (!entries.length) return {};
  return {
    nodeSelector: selector,
    tolerations: entries.map(([key, value]) => ({ key, operator: "Equal", value, effect: "NoSchedule" })),
  };
}
