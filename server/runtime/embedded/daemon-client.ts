// HTTP client of slipwayd's API. Knows where the daemon listens and where its token is; turns
// "cannot connect" into a DriverError that tells the operator what to do.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DriverError } from "../runtime-driver";

export interface DaemonClientOptions {
  /** e.g. http://127.0.0.1:7077 */
  baseUrl: string;
  tokenFile: string;
}

export class DaemonClient {
  constructor(readonly options: DaemonClientOptions) {}

  static fromDataDir(dataDir: string, port: number): DaemonClient {
    return new DaemonClient({ baseUrl: `http://127.0.0.1:${port}`, tokenFile: path.join(dataDir, "daemon.token") });
  }

  private unavailable(detail: string): DriverError {
    return new DriverError(
      "unavailable",
      "embedded",
      "slipwayd",
      `The embedded runtime (slipwayd) is not reachable at ${this.options.baseUrl} (${detail}). Start it with \`npm run daemon\` using the same SLIPWAY_DATA_DIR as the web server.`,
    );
  }

  private token(): string {
    try {
      return readFileSync(this.options.tokenFile, "utf8").trim();
    } catch {
      throw this.unavailable(`no token at ${this.options.tokenFile}`);
    }
  }

  async request(method: string, pathName: string, init: { signal?: AbortSignal } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.options.baseUrl}${pathName}`, {
        method,
        headers: { authorization: `Bearer ${this.token()}` },
        signal: init.signal,
      });
    } catch (e) {
      if (e instanceof DriverError) throw e;
      if (init.signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw this.unavailable(cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
    }
    if (res.status === 401) throw new DriverError("unavailable", "embedded", "slipwayd", "slipwayd rejected the token: the web server and slipwayd must share SLIPWAY_DATA_DIR");
    if (res.status === 404) {
      await res.body?.cancel();
      throw new DriverError("not_found", "embedded", pathName, `not found: ${pathName}`);
    }
    if (res.status >= 400) {
      const body = await res.text().catch(() => "");
      throw new DriverError("failed", "embedded", pathName, `slipwayd answered ${res.status}: ${body.slice(0, 300)}`);
    }
    return res;
  }

  async json<T>(method: string, pathName: string): Promise<T> {
    const res = await this.request(method, pathName);
    return (await res.json()) as T;
  }
}
