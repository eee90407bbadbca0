// Why a cluster probe failed, in one line, and what the platform admin can do about it. Pure, so
// the wording is unit-tested; it never sees the kubeconfig, only the error.

import { apiAnswerMessage } from "../runtime/kubernetes/api-error";

const MAX_ERROR_LENGTH = 500;

/** One line for Cluster.lastError. An API answer (ApiException) becomes "HTTP <code>: <status message>". */
export function describeProbeError(error: unknown): string {
  let text: string;
  const e = error as { code?: unknown; body?: unknown; message?: unknown } | null;
  if (e && typeof e.code === "number") {
    // client-node's ApiException (its own text also carries response headers: not kept).
    const message = apiAnswerMessage(e);
    text = `The API server answered HTTP ${e.code}${message ? `: ${message}` : ""}`;
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  text = text.replace(/\s+/g, " ").trim() || "unknown error";
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH - 1) + "…" : text;
}

const hints: [RegExp, string][] = [
  [/ECONNREFUSED/, "Nothing accepts connections at the server address. Check that the API server is running and that the kubeconfig's server URL (host and port) is reachable from the Slipway server, not only from your laptop."],
  [/ENOTFOUND|EAI_AGAIN/, "The server's host name does not resolve on the Slipway server. Use a name or IP address this machine can resolve."],
  [/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|within \d+ s/, "No answer in time. Check firewalls and routes between the Slipway server and the API server."],
  [/certificate|CERT_|self[- ]signed|altnames|SSL|TLS/i, "The TLS connection failed. certificate-authority-data must be the CA that signed the API server's certificate, and the server URL must use a name or IP listed in that certificate."],
  [/HTTP 401/, "The API server refused the credentials. Upload a kubeconfig with a valid token or client certificate."],
  [/HTTP 403/, "The credentials are valid but may not read the server version. Give the user a role that may (deploying needs namespace, workload and RBAC rights too)."],
];

/** What to do about a failed probe; the advice ends with how to check again. */
export function probeFailureHint(lastError: string): string {
  const hint = hints.find(([pattern]) => pattern.test(lastError))?.[1] ?? "Check the kubeconfig and that the API server is reachable from the Slipway server.";
  return `${hint} Then use "Check now", or upload a corrected kubeconfig.`;
}
