import "server-only";
// An uploaded kubeconfig is read on the Slipway server, so it must carry its credentials inline:
// a kubeconfig that names files (token-file, client-key, certificate-authority) or commands (exec,
// auth-provider) would read this machine's files or run programs on it when the cluster is probed.
// client-node reads `token-file` while parsing, so the raw YAML is inspected before it is loaded.
import { loadYaml, type KubeConfig } from "@kubernetes/client-node";
import { AppError } from "../errors";
import { KubeconfigError, loadKubeconfig } from "../runtime/kubernetes/kube-client";

const refusedUserKeys: Record<string, string> = {
  exec: "runs a command to get credentials",
  "auth-provider": "uses an auth provider plugin",
  "token-file": "reads its token from a file",
  "client-certificate": "reads its client certificate from a file (use client-certificate-data)",
  "client-key": "reads its client key from a file (use client-key-data)",
};
const refusedClusterKeys: Record<string, string> = {
  "certificate-authority": "reads its CA from a file (use certificate-authority-data)",
};

function invalid(message: string): AppError {
  return new AppError("VALIDATION", message, { fields: [{ path: "kubeconfig", message }] });
}

function yamlProblem(e: unknown): string {
  // js-yaml's own message quotes the lines around the error, which may hold credentials: keep
  // only the reason and the position.
  const err = e as { reason?: string; mark?: { line: number; column: number } };
  if (err.reason && err.mark) return `${err.reason} (line ${err.mark.line + 1}, column ${err.mark.column + 1})`;
  return err.reason ?? "unreadable YAML";
}

function entries(list: unknown, key: "user" | "cluster"): { name: string; fields: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const fields = e[key] && typeof e[key] === "object" ? (e[key] as Record<string, unknown>) : {};
    return { name: typeof e.name === "string" ? `"${e.name}"` : `#${i + 1}`, fields };
  });
}

/** Parses and checks an uploaded kubeconfig; every refusal is a 422 that says what is wrong. */
export function readKubeconfig(yaml: string): KubeConfig {
  let doc: unknown;
  try {
    doc = loadYaml<unknown>(yaml);
  } catch (e) {
    throw invalid(`The kubeconfig is not valid YAML: ${yamlProblem(e)}.`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw invalid("The kubeconfig must be a YAML mapping with clusters, users, contexts and current-context (the file kubectl uses).");
  }
  const root = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const user of entries(root.users, "user")) {
    for (const [key, why] of Object.entries(refusedUserKeys)) {
      if (key in user.fields) problems.push(`user ${user.name} ${why} ("${key}")`);
    }
  }
  for (const cluster of entries(root.clusters, "cluster")) {
    for (const [key, why] of Object.entries(refusedClusterKeys)) {
      if (key in cluster.fields) problems.push(`cluster ${cluster.name} ${why} ("${key}")`);
    }
  }
  if (problems.length) {
    throw invalid(
      `The kubeconfig must carry its credentials inline (token, or client-certificate-data and client-key-data; certificate-authority-data): ${problems.join("; ")}. ` +
        "Files and commands on the Slipway server are never used; a service-account token kubeconfig works everywhere.",
    );
  }
  try {
    return loadKubeconfig(yaml);
  } catch (e) {
    if (e instanceof KubeconfigError) throw invalid(`${e.message}`);
    throw invalid(`The kubeconfig cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
