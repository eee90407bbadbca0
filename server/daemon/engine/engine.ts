// A thin adapter over dockerode (Docker API or Podman's compat API). Everything engine-specific
// that the reconciler, build worker and API need goes through here, so they can be tested
// against one small surface.
import Docker from "dockerode";
import type { Readable } from "node:stream";
import { splitImageRef } from "../../runtime/kubernetes/cluster-image-ref";
import { LABEL, type ContainerPlan, type RestartPolicy } from "./container-spec";
import { demuxLogLines, type EngineLogLine } from "./log-demux";
import { readImageFiles } from "./image-files";

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
  /** from its label; unset on containers made before the label existed (they are unless-stopped) */
  restartPolicy?: RestartPolicy;
  /** the app's restart generation it was made for (0 on containers older than the label) */
  generation: number;
}

/** How a container's last run ended, as the engine recorded it. */
export interface ContainerExit {
  exitCode: number;
  /** the engine saw the kernel's OOM killer end it (not every engine/cgroup layout reports this) */
  oomKilled: boolean;
  /** null while it never finished */
  finishedAt: Date | null;
  /** when its current (or, once down, its last) run started */
  startedAt: Date | null;
  /** the memory limit it ran under, 0 for none */
  memoryLimitBytes: number;
  /**
   * how often the engine restarted it by its restart policy. The engine resets exitCode when it
   * restarts a container: while it runs again, exitCode says nothing of the exit before.
   */
  restartCount: number;
  running: boolean;
}

/** The engine's RFC 3339 time with nanoseconds, or null for its zero time ("0001-01-01…"). */
export function parseEngineTime(s: string | undefined): Date | null {
  if (!s || s.startsWith("0001-")) return null;
  // Date.parse is only specified for milliseconds: cut the fraction to three digits.
  const ms = Date.parse(s.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? null : new Date(ms);
}

export interface BuildOptions {
  context: Readable;
  tag: string;
  dockerfile: string;
  memoryBytes?: number;
  cpuQuota?: number;
  /** image labels; they override any LABEL of the same key in the Dockerfile */
  labels?: Record<string, string>;
  /**
   * The network RUN steps join: a network name, or "none". Unset, Podman's compat API runs RUN
   * steps in the HOST's network namespace, loopback services included.
   */
  network?: string;
  /** a cgroup (cgroupfs path) the RUN steps run in; its pids.max caps a build's processes */
  cgroupParent?: string;
  signal?: AbortSignal;
  onLine: (line: string) => void;
}

/** What the build's image check needs to know about an image the engine has. */
export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
  repoTags: string[];
  /** "repo@sha256:…" as the engine's store knows the image's manifest */
  repoDigests: string[];
  /** ONBUILD instructions, which run in the build of any image FROM this one */
  onBuild: string[];
  /** the image's USER ("" when it declares none) */
  user: string;
}

export class EngineError extends Error {
  constructor(message: string, readonly statusCode?: number) {
    super(message);
    this.name = "EngineError";
  }
}

export function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "statusCode" in e ? Number((e as { statusCode: unknown }).statusCode) : undefined;
}

interface JsonMessage {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Reads an engine's JSON-message stream (build, push) to its end; returns the reported error, if
 * any. Non-JSON lines go to onRaw. The stream is destroyed when the signal aborts.
 */
async function followJsonStream(
  stream: Readable,
  signal: AbortSignal | undefined,
  abortMessage: string,
  onMessage: (msg: JsonMessage) => void,
  onRaw: (line: string) => void,
): Promise<string | undefined> {
  const onAbort = () => stream.destroy(new EngineError(abortMessage));
  signal?.addEventListener("abort", onAbort, { once: true });
  let error: string | undefined;
  let pending = "";
  const handle = (raw: string) => {
    if (!raw.trim()) return;
    let msg: JsonMessage;
    try {
      msg = JSON.parse(raw) as JsonMessage;
    } catch {
      onRaw(raw);
      return;
    }
    if (msg.error || msg.errorDetail?.message) {
      error = (msg.errorDetail?.message ?? msg.error ?? "").trim();
      onRaw(`error: ${error}`);
    } else {
      onMessage(msg);
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
    signal?.removeEventListener("abort", onAbort);
  }
  return error;
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
    const network =
      opts.network === undefined
        ? {}
        : opts.network === "none"
          ? { networkmode: "NetworkDisabled", nsoptions: JSON.stringify([{ Name: "network", Host: false, Path: "" }]) }
          : { networkmode: "NetworkEnabled", nsoptions: JSON.stringify([{ Name: "network", Host: false, Path: opts.network }]) };
    const stream = (await this.docker.buildImage(opts.context as unknown as NodeJS.ReadableStream, {
      t: opts.tag,
      dockerfile: opts.dockerfile,
      rm: true,
      forcerm: true,
      // An empty credential set: the build pulls what the Dockerfile names with no one's registry login.
      registryconfig: {},
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...network,
      ...(opts.cgroupParent ? { cgroupparent: opts.cgroupParent } : {}),
      ...(opts.memoryBytes ? { memory: opts.memoryBytes, memswap: opts.memoryBytes } : {}),
      ...(opts.cpuQuota ? { cpuquota: opts.cpuQuota, cpuperiod: 100_000 } : {}),
    } as Docker.ImageBuildOptions)) as Readable;
    const error = await followJsonStream(stream, opts.signal, "build canceled", (msg) => {
      if (msg.stream) for (const l of msg.stream.replace(/\n$/, "").split("\n")) opts.onLine(l);
    }, opts.onLine);
    if (opts.signal?.aborted) throw new EngineError("build canceled");
    if (error) throw new EngineError(error);
    const id = await this.imageId(opts.tag);
    if (!id) throw new EngineError(`build finished but image ${opts.tag} is missing`);
    return id;
  }

  /** Gives the local image `source` the additional name `ref` (idempotent). */
  async tag(source: string, ref: string): Promise<void> {
    const { repository, tag } = splitImageRef(ref);
    try {
      await this.docker.getImage(source).tag({ repo: repository, tag });
    } catch (e) {
      throw new EngineError(`tagging ${source} as ${ref} failed: ${e instanceof Error ? e.message : String(e)}`, statusOf(e));
    }
  }

  /**
   * Pushes the local image `ref` to its registry, streaming progress lines. `insecure` lets
   * Podman use plain http and skip TLS verification (loopback registries). Throws EngineError
   * with the engine's or registry's reason.
   */
  async push(ref: string, onLine: (line: string) => void, opts: { insecure?: boolean; signal?: AbortSignal } = {}): Promise<string | null> {
    const { repository, tag } = splitImageRef(ref);
    let stream: Readable;
    try {
      // tlsVerify is Podman's compat-API extension; Docker ignores it (it trusts 127.0.0.0/8 by itself).
      stream = (await this.docker.getImage(repository).push({ tag, ...(opts.insecure ? { tlsVerify: false } : {}) })) as Readable;
    } catch (e) {
      throw new EngineError(`push of ${ref} failed: ${e instanceof Error ? e.message : String(e)}`, statusOf(e));
    }
    let lastStatus = "";
    let digest: string | null = null;
    const error = await followJsonStream(stream, opts.signal, "push canceled", (msg) => {
      // "<tag>: digest: sha256:… size: N" names the manifest as the registry stores it: the
      // digest a cluster pulls by (the local image id and RepoDigests differ from it).
      const pushed = /digest: (sha256:[0-9a-f]{64})/.exec(msg.status ?? "") ?? /digest: (sha256:[0-9a-f]{64})/.exec(msg.stream ?? "");
      const aux = (msg as { aux?: { Digest?: string } }).aux?.Digest;
      if (pushed) digest = pushed[1]!;
      else if (aux && /^sha256:[0-9a-f]{64}$/.test(aux)) digest = aux;
      // Byte-level progress (Docker) would flood the log: one line per layer state change.
      if (msg.progressDetail && Object.keys(msg.progressDetail).length > 0) return;
      const text = (msg.stream ?? [msg.id, msg.status].filter(Boolean).join(": ")).replace(/\n$/, "");
      if (!text.trim() || text === lastStatus) return;
      lastStatus = text;
      for (const l of text.split("\n")) onLine(l);
    }, onLine);
    if (opts.signal?.aborted) throw new EngineError("push canceled");
    if (error) throw new EngineError(error);
    return digest;
  }

  /** The engine's view of an image (by name, short or full id, or digest), or null if it has none. */
  async inspectImage(ref: string): Promise<ImageInfo | null> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return {
        id: info.Id.startsWith("sha256:") ? info.Id : `sha256:${info.Id}`,
        labels: info.Config?.Labels ?? {},
        repoTags: info.RepoTags ?? [],
        repoDigests: info.RepoDigests ?? [],
        onBuild: (info.Config as { OnBuild?: string[] | null } | undefined)?.OnBuild ?? [],
        user: info.Config?.User ?? "",
      };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /** Small files of an image (its /etc/passwd, say), read without running it; null for one it lacks. */
  readImageFiles(image: string, files: string[]): Promise<Map<string, string | null>> {
    return readImageFiles(this.docker, image, files);
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

  /** Stops the container (SIGTERM, then SIGKILL after the grace); one already stopped or gone is fine. */
  async stop(id: string, graceSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (e) {
      const s = statusOf(e);
      if (s !== 304 && s !== 404) throw e;
    }
  }

  async stopAndRemove(id: string, graceSeconds = 10): Promise<void> {
    const c = this.docker.getContainer(id);
    await this.stop(id, graceSeconds);
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
        ...(labels[LABEL.restart] === "no" ? { restartPolicy: "no" as const } : {}),
        generation: Number(labels[LABEL.generation] ?? 0) || 0,
      };
    });
  }

  /** How the container's last run ended; null when the container is gone. */
  async inspectExit(id: string): Promise<ContainerExit | null> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
    return {
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled === true,
      finishedAt: parseEngineTime(info.State.FinishedAt),
      startedAt: parseEngineTime(info.State.StartedAt),
      memoryLimitBytes: info.HostConfig?.Memory ?? 0,
      restartCount: (info as { RestartCount?: number }).RestartCount ?? 0,
      running: info.State.Running === true,
    };
  }

  /**
   * The container's exits since `since`, oldest first, from the engine's event log: the exit code
   * of a container that its restart policy already brought back (inspect has forgotten it).
   * Podman files them as "died", Docker as "die"; both carry the code as the attribute exitCode.
   */
  async exitEvents(id: string, since: Date): Promise<{ at: Date; exitCode: number }[]> {
    const until = Math.ceil(Date.now() / 1000) + 1;
    for (const event of ["died", "die"]) {
      const stream = (await this.docker.getEvents({
        since: Math.floor(since.getTime() / 1000),
        until,
        filters: { container: [id], event: [event] },
      } as Docker.GetEventsOptions)) as unknown as Readable;
      let text = "";
      const timer = setTimeout(() => stream.destroy(), 3000);
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString("utf8");
      } catch (e) {
        // Cut off by the timer: what arrived so far is used.
        if (!stream.destroyed) throw e;
      } finally {
        clearTimeout(timer);
      }
      const exits = text
        .split(/\n|(?<=\})(?=\{)/)
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { timeNano?: number; time?: number; Actor?: { Attributes?: Record<string, string> } })
        .map((e) => ({
          at: new Date(e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000),
          exitCode: Number(e.Actor?.Attributes?.exitCode ?? e.Actor?.Attributes?.containerExitCode),
        }))
        .filter((e) => Number.isInteger(e.exitCode) && e.at >= since);
      if (exits.length) return exits.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    return [];
  }

  inspect(id: string): Promise<Docker.ContainerInspectInfo> {
    return this.docker.getContainer(id).inspect();
  }

  /**
   * The container's log lines, oldest first. `since` (to the millisecond; the engine keeps
   * nanoseconds) with `tail: "all"` reads exactly the lines from then on: Podman 4.3 joins a line
   * cut into partial records to its neighbours when it reads a numeric tail (backwards).
   */
  async *logs(id: string, opts: { follow: boolean; tail?: number | "all"; since?: Date; signal?: AbortSignal }): AsyncGenerator<EngineLogLine> {
    const c = this.docker.getContainer(id);
    const base: Docker.ContainerLogsOptions = {
      stdout: true,
      stderr: true,
      timestamps: true,
      // No tail: the engine's default, every line.
      ...(opts.tail === "all" ? {} : { tail: opts.tail ?? 200 }),
      ...(opts.since ? { since: opts.since.getTime() / 1000 } : {}),
    };
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
