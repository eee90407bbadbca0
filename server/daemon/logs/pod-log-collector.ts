// Collects the runtime logs of apps whose project runs on a Kubernetes cluster into the log store,
// as the embedded collector (collector.ts) does for Podman containers. Every ~2 s each such app's
// pods are listed (every phase the API server still has) and the `app` container of each is read
// through the API server: the running instance followed, a stopped one (crashed, completed, the
// one before a restart) read to its end and then marked finished. Each container instance is one
// source; its cursor (pod-log-cursor.ts) is saved in the same transaction as its lines, so a
// slipwayd killed at any point resumes exactly after the last stored line.
//
// Lost, and said so in the daemon's log: what a container wrote after the cursor when the API
// server no longer serves it (its pod deleted, or more than one restart happened while slipwayd
// was not collecting: the kubelet keeps only the current and the previous instance).
//
// The Kubernetes client is loaded lazily (pod-log-follow.ts and the driver come with the first app
// on a cluster); without such an app a pass is one database query.
import type { Db } from "../../db";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesDriver } from "../../runtime/kubernetes/kubernetes-driver";
import type { PodContainerLogFollow, PodContainerLogRequest } from "../../runtime/kubernetes/pod-log-follow";
import { LABEL, teamNamespace } from "../../runtime/kubernetes/names";
import type { Logger } from "../logger";
import type { LogBus } from "./log-bus";
import type { LogLineInput, LogStore } from "./log-store-types";
import { parsePodLogPosition, PodLogCursor, splitStampedLine } from "./pod-log-cursor";

export interface PodLogCollectorOptions {
  store: LogStore;
  bus: LogBus;
  db: Db;
  log: Logger;
  getDriver: (clusterName: string) => Promise<KubernetesDriver>;
  /** how often each cluster app's pods are listed */
  everyMs?: number;
}

/** The container of an app's pod that runs the app (app-manifests.ts). */
const APP_CONTAINER = "app";
const SOURCE_PREFIX = "k8s:";

interface ClusterApp {
  appId: string;
  teamId: string;
  teamSlug: string;
  clusterName: string;
}

/** One container instance of one pod, as a log source. */
interface PodSource {
  source: string;
  app: ClusterApp;
  namespace: string;
  pod: string;
  releaseId: string | null;
  /** the running instance: followed; otherwise read to its end, then finished */
  follow: boolean;
  previous: boolean;
}

/** The parts of a container status read here (client-node's V1ContainerStatus). */
interface ContainerStatus {
  name: string;
  containerID?: string;
  restartCount: number;
  state?: { running?: object; terminated?: { containerID?: string }; waiting?: object };
  lastState?: { terminated?: { containerID?: string } };
}

type FollowFn = (r: PodContainerLogRequest) => PodContainerLogFollow;

export function podSource(clusterName: string, namespace: string, pod: string, instance: string): string {
  return `${SOURCE_PREFIX}${clusterName}/${namespace}/${pod}/${APP_CONTAINER}/${instance}`;
}

/** "containerd://<64 hex>" → a short id; KWOK's fake containers may have none: the restart count. */
function instanceOf(containerId: string | undefined, restartCount: number): string {
  const id = containerId?.replace(/^[a-z]+:\/\//, "");
  return id ? id.slice(0, 16) : `r${restartCount}`;
}

export class PodLogCollector {
  /** sources being read now (one request each) */
  private readonly active = new Map<string, { app: ClusterApp; follow: PodContainerLogFollow }>();
  private timer: NodeJS.Timeout | null = null;
  private passing: Promise<void> | null = null;
  private follow: FollowFn | null = null;
  private stopped = false;
  /** apps whose last pass failed, with the message (warned once per new message) */
  private readonly failing = new Map<string, string>();

  constructor(private readonly o: PodLogCollectorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.o.everyMs ?? 2000);
    this.timer.unref();
    void this.pass();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.passing;
    const reading = [...this.active.values()];
    for (const a of reading) a.follow.stop();
    await Promise.all(reading.map((a) => a.follow.done.catch(() => undefined)));
  }

  /** One listing of every cluster app's pods. One at a time; a call during one waits for it. */
  pass(): Promise<void> {
    if (!this.passing) {
      this.passing = this.passOnce()
        .catch((e: unknown) => this.o.log.warn({ err: e instanceof Error ? e.message : String(e) }, "pod log collection: listing the cluster apps failed"))
        .finally(() => {
          this.passing = null;
        });
    }
    return this.passing;
  }

  private async passOnce(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.o.db.app.findMany({
      where: { project: { clusterId: { not: null } } },
      select: { id: true, teamId: true, team: { select: { slug: true } }, project: { select: { cluster: { select: { name: true } } } } },
    });
    const apps: ClusterApp[] = rows.flatMap((r) => (r.project.cluster ? [{ appId: r.id, teamId: r.teamId, teamSlug: r.team.slug, clusterName: r.project.cluster.name }] : []));
    // An app deleted from the database (or moved off the cluster) is no longer read; lines stored
    // in the moment before go with the app's lines (the janitor deletes those of gone apps).
    const known = new Set(apps.map((a) => a.appId));
    for (const [source, a] of this.active) {
      if (!known.has(a.app.appId)) {
        a.follow.stop();
        this.active.delete(source);
      }
    }
    if (!apps.length) return;
    this.follow ??= (await import("../../runtime/kubernetes/pod-log-follow")).followPodContainerLog;
    for (const app of apps) {
      if (this.stopped) return;
      try {
        await this.passApp(app);
        this.failing.delete(app.appId);
      } catch (e) {
        // Asked again at the next pass (the cluster may be out of reach for a while).
        const err = e instanceof Error ? e.message : String(e);
        if (this.failing.get(app.appId) !== err) this.o.log.warn({ appId: app.appId, cluster: app.clusterName, err }, "pod log collection: listing the app's pods failed");
        this.failing.set(app.appId, err);
      }
    }
  }

  private async passApp(app: ClusterApp): Promise<void> {
    const { store, log } = this.o;
    const driver = await this.o.getDriver(app.clusterName);
    const team = await driver.teamClients(app.teamSlug);
    const namespace = teamNamespace(app.teamSlug);
    const pods = await team.core.listNamespacedPod({ namespace, labelSelector: `${LABEL.appId}=${app.appId}` });
    const present = new Set<string>();
    for (const pod of pods.items) {
      const name = pod.metadata?.name;
      const cs = pod.status?.containerStatuses?.find((c) => c.name === APP_CONTAINER) as ContainerStatus | undefined;
      if (!name) continue;
      present.add(name);
      if (!cs) continue;
      const base = { app, namespace, pod: name, releaseId: pod.metadata?.labels?.[LABEL.release] ?? null };
      // The latest instance (running, or stopped: crashed and waiting to restart, or completed).
      const latestId = cs.containerID || cs.state?.terminated?.containerID || cs.lastState?.terminated?.containerID;
      if (latestId || cs.state?.running || cs.state?.terminated) {
        const instance = instanceOf(latestId, cs.restartCount);
        this.read(team.config, { ...base, source: podSource(app.clusterName, namespace, name, instance), follow: !!cs.state?.running, previous: false });
      }
      // The instance before a restart: readable (previous=true) until the next restart.
      const prevId = cs.lastState?.terminated?.containerID;
      if (prevId && prevId !== latestId) {
        this.read(team.config, { ...base, source: podSource(app.clusterName, namespace, name, instanceOf(prevId, 0)), follow: false, previous: true });
      }
    }
    // Pods the API server no longer has: nothing more can be read from their instances.
    const prefix = `${SOURCE_PREFIX}${app.clusterName}/${namespace}/`;
    for (const cursor of store.openCursors()) {
      if (cursor.appId !== app.appId || !cursor.source.startsWith(prefix) || this.active.has(cursor.source)) continue;
      const pod = cursor.source.slice(prefix.length).split("/")[0]!;
      if (present.has(pod)) continue;
      log.warn({ source: cursor.source, appId: app.appId }, "pod is gone from the API server: lines its container wrote after the cursor are lost");
      store.append([], [{ ...cursor, finished: true }]);
    }
  }

  /** Starts reading one source unless it is being read or finished. */
  private read(config: KubeConfig, s: PodSource): void {
    const { store, bus, log } = this.o;
    if (this.active.has(s.source) || this.stopped) return;
    const saved = store.cursor(s.source);
    if (saved?.finished) return;
    const cursor = new PodLogCursor(parsePodLogPosition(saved?.position));
    const { teamId, appId } = s.app;
    const position = () => JSON.stringify(cursor.position() ?? {});
    let failed = false;
    const follow = this.follow!({
      config,
      namespace: s.namespace,
      pod: s.pod,
      container: APP_CONTAINER,
      follow: s.follow,
      previous: s.previous,
      sinceTime: cursor.sinceTime(),
      onLines: (raws) => {
        if (failed) return;
        const lines: LogLineInput[] = [];
        for (const raw of raws) {
          const { stamp, line } = splitStampedLine(raw);
          if (stamp && !cursor.accept(stamp)) continue;
          // The API server merges a container's stdout and stderr into one stream and does not
          // say which a line came from: every line is stored as stdout.
          lines.push({ teamId, appId, releaseId: s.releaseId, replica: s.pod, stream: "stdout", time: stamp?.ms ?? Date.now(), line });
        }
        if (!lines.length) return;
        try {
          const stored = store.append(lines, [{ source: s.source, appId, position: position(), finished: false }]);
          bus.publish(appId, stored);
        } catch (e) {
          // Nothing of this chunk was stored: stop here and resume from the saved cursor next pass.
          failed = true;
          log.warn({ source: s.source, err: e instanceof Error ? e.message : String(e) }, "storing pod log lines failed");
          follow.stop();
        }
      },
    });
    this.active.set(s.source, { app: s.app, follow });
    follow.done.then(
      (complete) => {
        // A stopped instance read to its end has nothing more to give.
        if (complete && !s.follow && !failed && !this.stopped) store.append([], [{ source: s.source, appId, position: position(), finished: true }]);
      },
      (e: unknown) => {
        const status = (e as { status?: number }).status ?? 0;
        // 400/404: the API server has no log for this instance any more (a newer restart, the
        // pod gone): finished. Other failures are retried from the cursor at the next pass.
        if (!s.follow && (status === 400 || status === 404) && !this.stopped) {
          log.warn({ source: s.source, err: (e as Error).message }, "the API server no longer serves this container's log: lines after the cursor are lost");
          store.append([], [{ source: s.source, appId, position: position(), finished: true }]);
        } else {
          log.debug({ source: s.source, status, err: (e as Error).message }, "reading a pod log ended with an error; resumed at the next pass");
        }
      },
    ).finally(() => {
      if (this.active.get(s.source)?.follow === follow) this.active.delete(s.source);
    });
  }
}
