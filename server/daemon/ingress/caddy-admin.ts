// Caddy's admin API over its unix socket. Host must be one of the config's admin origins
// ("localhost"): Caddy 2.6 rejects any other Host on a unix socket.
import http from "node:http";

export class CaddyAdminError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export function adminRequest(socketPath: string, method: string, pathName: string, body?: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        path: pathName,
        method,
        headers: { host: "localhost", ...(body !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) },
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new CaddyAdminError(`caddy admin ${method} ${pathName}: ${status} ${text.trim().slice(0, 500)}`, status));
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new CaddyAdminError(`caddy admin ${method} ${pathName}: no answer in ${timeoutMs} ms`, null)));
    req.on("error", (e) => reject(e instanceof CaddyAdminError ? e : new CaddyAdminError(`caddy admin ${method} ${pathName}: ${e.message}`, null)));
    req.end(body);
  });
}

/** Whether a Caddy answers on the socket (a cheap read of its admin settings). */
export async function adminAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await adminRequest(socketPath, "GET", "/config/admin", undefined, timeoutMs);
    return true;
  } catch {
    // Not answering is the answer: no socket, a dead process, or one still starting.
    return false;
  }
}

/** Replace Caddy's whole config; Caddy reloads gracefully, and skips a config identical to the running one. */
export async function loadConfig(socketPath: string, json: string): Promise<void> {
  await adminRequest(socketPath, "POST", "/load", json);
}
