// This instance's app containers with what sampling needs (pid, when their current run started),
// in one call to Podman's own list endpoint: its compat twin (/containers/json) gives no pid, and
// an inspect per container would cost the engine a call each.
import http from "node:http";
import { LABEL } from "../engine/container-spec";

export interface SampledContainer {
  id: string;
  name: string;
  appId: string;
  replica: number;
  running: boolean;
  /** 0 when not running */
  pid: number;
  /** epoch seconds its current (or last) run started; changes when it is restarted in place */
  startedAt: number;
}

interface LibpodContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
  State?: string;
  Pid?: number;
  StartedAt?: number;
}

export function parseLibpodList(list: LibpodContainer[]): SampledContainer[] {
  return list.map((c) => ({
    id: c.Id,
    name: c.Names?.[0] ?? c.Id.slice(0, 12),
    appId: c.Labels?.[LABEL.app] ?? "",
    replica: Number(c.Labels?.[LABEL.replica] ?? -1),
    running: c.State === "running",
    pid: c.State === "running" ? (c.Pid ?? 0) : 0,
    startedAt: c.StartedAt ?? 0,
  }));
}

export function listInstanceContainers(socketPath: string, instanceId: string, timeoutMs = 10_000): Promise<SampledContainer[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.instance}=${instanceId}`] }));
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: `/v4.0.0/libpod/containers/json?all=true&filters=${filters}`, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) return reject(new Error(`podman list containers answered ${res.statusCode}: ${body.slice(0, 200)}`));
        try {
          resolve(parseLibpodList(JSON.parse(body) as LibpodContainer[]).filter((c) => c.appId));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`podman list containers timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}
