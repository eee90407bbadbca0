// A thin adapter over dockerode (Docker API or Podman's compat API). Everything engine-specific
// that the reconciler, build worker and API need goes through here, so they can be tested
// against one small surface.
import Docker from "dockerode";
import type { Readable } from "node:stream";
import { LABEL, type ContainerPlan } from "./container-spec";
import { demuxLogLines, type EngineLogLine } from "./log-demux";

export interface ManagedContainer {
  id: string;
  name: string;
  appId: string;
  releaseId: string;
  replica: number;
  instance: string;
  /** "running", "exited", "created", "paused", ... as the engine reports it */
  state: string;
  hostPort: number | null;
  createdAt: Date;
}

export interface BuildOptions {
  context: Readable;
  tag: string;
  dockerfile: string;
  memoryBytes?: number;
  cpuQuota?: number;
  signal?: AbortSignal;
  onLine: (line: string) => void;
}

export class EngineError extends Error {
  constructor(message: string, readonly statusCode?: number) {
    super(message);
    this.name = "EngineError";
  }
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "statusCode" in e ? Number((e as { statusCode: unknown }).statusCode) : undefined;
}

export function dockerFromHost(dockerHost: string | undefined, socketPath: string): Docker {
  if (!dockerHost) return new Docker({ socketPath });
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) });
  const u = new URL(dockerHost.replace(/^tcp:/, "http:"));
  return new Docker({ host: u.hostname, port: Number(u.port || 2375), protocol: u.protocol === "https:" ? "https" : "http" });
}

export class Engine {
  constructor(readonly docker: Docker) {}

  async ping(): Promise<boolean> {
    try {
      await this.docker.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** Builds and returns the image Id (sha256:…). Throws EngineError with the engine's reason. */
  async build(opts: BuildOptions): Promise<string> {
    const stream = (await this.docker.buildImage(opts.context as unknown as NodeJS.ReadableStream, {
      t: opts.tag,
      dockerfile: opts.dockerfile,
      rm: true,
      forcerm: true,
      ...(opts.memoryBytes ? { memory: opts.memoryBytes, memswap: opts.memoryBytes } : {}),
      ...(opts.cpuQuota ? { cpuquota: opts.cpuQuota, cpuperiod: 100_000 } : {}),
    })) as Readable;
    const onAbort = () => stream.destroy(new EngineError("build canceled"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let error: string | undefined;
    let pending = "";
    const handle = (raw: string) => {
      if (!raw.trim()) return;
      let msg: { stream?: string; error?: string; errorDetail?: { message?: string } };
      try {
        msg = JSON.parse(raw) as typeof msg;
      } catch {
        opts.onLine(raw);
        return;
      }
      if (msg.error || msg.errorDetail?.message) {
        error = (msg.errorDetail?.message ?? msg.error ?? "").trim();
        opts.onLine(`error: ${error}`);
      } else if (msg.stream) {
        for (const l of msg.stream.replace(/\n$/, "").split("\n")) opts.onLine(l);
      }
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        pending += chunk.toString("utf8");
        // The engine sends one JSON object per line, but chunks do not respect line ends.
        let nl: number;
        while ((nl = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          handle(line);
        }
        // Podman sometimes concatenates objects without a newline.
        if (pending.trim().endsWith("}")) {
          try {
            JSON.parse(pending);
            handle(pending);
            pending = "";
          } catch {
            // wait for more
          }
        }
      }
      handle(pending);
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
    if (opts.signal?.aborted) throw new EngineError("build canceled");
    if (error) throw new EngineError(error);
    const id = await this.imageId(opts.tag);
    if (!id) throw new EngineError(`build finished but image ${opts.tag} is missing`);
    return id;
  }

  async imageId(ref: string): Promise<string | null> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return info.Id.startsWith("sha256:") ? info.Id : `sha256:${info.Id}`;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /** Creates the container, or adopts the one that already has this name and the same identity. */
  async createOrAdopt(plan: ContainerPlan): Promise<string> {
    try {
      const c = await this.docker.createContainer(plan.options);
      return c.id;
    } catch (e) {
      const status = statusOf(e);
      const message = e instanceof Error ? e.message : String(e);
      if (status !== 409 && !/already in use|conflict/i.test(message)) throw e;
      const info = await this.docker.getContainer(plan.name).inspect();
      const labels = info.Config.Labels ?? {};
      if (labels[LABEL.app] !== plan.labels[LABEL.app] || labels[LABEL.release] !== plan.labels[LABEL.release]) {
        throw new EngineError(`container name ${plan.name} is taken by a container slipway does not own for this release`, 409);
      }
      return info.Id;
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      // 304: already running, which is what we wanted.
      if (statusOf(e) !== 304) throw e;
    }
  }

  async stopAndRemove(id: string, graceSeconds = 10): Promise<void> {
    const c = this.docker.getContainer(id);
    try {
      await c.stop({ t: graceSeconds });
    } catch (e) {
      const s = statusOf(e);
      if (s !== 304 && s !== 404) throw e;
    }
    try {
      await c.remove({ force: true, v: true });
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async listManaged(filter: { instance?: string; appId?: string } = {}): Promise<ManagedContainer[]> {
    const label = [`${LABEL.managed}=true`];
    if (filter.instance) label.push(`${LABEL.instance}=${filter.instance}`);
    if (filter.appId) label.push(`${LABEL.app}=${filter.appId}`);
    const list = await this.docker.listContainers({ all: true, filters: { label } });
    return list.map((c) => {
      const labels = c.Labels ?? {};
      const containerPort = Number(labels[LABEL.port]);
      const published = c.Ports?.find((p) => p.PrivatePort === containerPort && p.PublicPort);
      return {
        id: c.Id,
        name: (c.Names?.[0] ?? "").replace(/^\//, ""),
        appId: labels[LABEL.app] ?? "",
        releaseId: labels[LABEL.release] ?? "",
        replica: Number(labels[LABEL.replica] ?? -1),
        instance: labels[LABEL.instance] ?? "",
        state: c.State,
        hostPort: published?.PublicPort ?? null,
        createdAt: new Date(c.Created * 1000),
      };
    });
  }

  inspect(id: string): Promise<Docker.ContainerInspectInfo> {
    return this.docker.getContainer(id).inspect();
  }

  async *logs(id: string, opts: { follow: boolean; tail?: number; signal?: AbortSignal }): AsyncGenerator<EngineLogLine> {
    const c = this.docker.getContainer(id);
    const base = { stdout: true, stderr: true, timestamps: true, tail: opts.tail ?? 200 };
    const source: Readable | Buffer = opts.follow
      ? ((await c.logs({ ...base, follow: true })) as unknown as Readable)
      : ((await c.logs({ ...base, follow: false })) as unknown as Buffer);
    const destroy = () => {
      if (!Buffer.isBuffer(source)) source.destroy();
    };
    opts.signal?.addEventListener("abort", destroy, { once: true });
    try {
      for await (const line of demuxLogLines(source)) {
        if (opts.signal?.aborted) return;
        yield line;
      }
    } catch (e) {
      if (!opts.signal?.aborted) throw e;
    } finally {
      opts.signal?.removeEventListener("abort", destroy);
      destroy();
    }
  }
}
