// A replica is healthy when an HTTP GET of the health path on its published loopback port gets
// any answer below 500: the app is up and routing, even if "/" is a redirect or a 404.
import http from "node:http";

export function checkHealth(port: number, pathName: string, timeoutMs = 2000): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: pathName.startsWith("/") ? pathName : `/${pathName}`, method: "GET", timeout: timeoutMs, agent: false },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve({ ok: status > 0 && status < 500, detail: `HTTP ${status}` });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) => resolve({ ok: false, detail: e.message }));
    req.end();
  });
}
