// slipwayd: the embedded runtime daemon. Starts the engine, the ingress proxy (a Caddy process of
// its own that outlives slipwayd), the control loop (both runtimes), build workers and its API; all state lives in the
// database, the engine and Caddy's autosave, so SIGKILL at any point followed by a restart loses
// nothing, starts nothing twice and drops no request.
import "server-only";
import path from "node:path";
import { getDb } from "../db";
import { BuildWorkers } from "../pipeline/build-workers";
import { BackupWorkers, backupWorkerTunables } from "./backups/backup-workers";
import { startApi } from "./api/api-server";
import { daemonPaths, loadDaemonConfig } from "./config";
import { dockerFromHost, Engine } from "./engine/engine";
import { ensurePodmanService } from "./engine/podman-service";
import { ensureNetworkIsolation, ensureTeamNetwork } from "./engine/network-isolation";
import { RouteTable } from "./ingress/route-table";
import { ensureCaddy, superviseCaddy } from "./ingress/caddy-process";
import { caddyPaths } from "./ingress/caddy-paths";
import { caddyRoutePusher } from "./ingress/caddy-routes";
import { ensureInstanceId } from "./instance-id";
import { createLogger } from "./logger";
import { ControlLoop } from "./control-loop/control-loop";
import { EmbeddedRuntime } from "./runtimes/embedded-runtime";
import { ClusterRuntime } from "./runtimes/cluster-runtime";
import { ensureToken } from "./token";
import { MetricsService } from "./metrics/metrics-service";
import { openLogStore } from "./logs/log-store";
import { logStorePath } from "./logs/log-database";
import { LogBus } from "./logs/log-bus";
import { EmbeddedLogCollector } from "./logs/collector";
import { PodLogCollector } from "./logs/pod-log-collector";
import { LogIndexer } from "./logs/log-indexer";
import { IndexPacing } from "./logs/collector-index-pacing";
import { LogJanitor } from "./logs/log-janitor";
import { VolumeReconciler } from "./volumes/volume-reconciler";
import { volumeMounts } from "./volumes/volume-mounts";

async function main(): Promise<void> {
  const config = loadDaemonConfig();
  const log = createLogger(config.logLevel);
  const paths = daemonPaths(config.dataDir);
  const token = ensureToken(config.tokenFile);
  const instanceId = ensureInstanceId(paths.instanceFile);
  const db = getDb();
  // Start-up overlaps its waits (a restart should take well under a second): Prisma compiles its
  // query engine while the container engine and the host firewall are checked, which mostly wait
  // on other processes. A database that does not answer yet is not fatal: the loops retry it.
  const dbReady = db.$connect().catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, "database not reachable yet; retrying in the control loop"));

  // Build and app containers join their team's own network, which the host firewall keeps away
  // from the host's services and from other teams' networks (network-isolation.ts). Only for the
  // engine slipwayd runs itself.
  const isolate = config.networkIsolation && !config.dockerHost;
  const networkReady = isolate ? ensureNetworkIsolation(instanceId) : Promise.resolve(null);
  // Awaited below, where a failure stops the start-up; this only keeps it from counting as
  // unhandled should the engine check fail first.
  networkReady.catch(() => undefined);

  const socketPath = config.dockerHost ? "" : (await ensurePodmanService(config.dataDir, log)).socketPath;
  const engine = new Engine(dockerFromHost(config.dockerHost, socketPath));
  if (!(await engine.ping())) throw new Error(`container engine at ${config.dockerHost ?? socketPath} does not answer`);
  await dbReady;
  const network = await networkReady;
  if (network) log.info({ networks: network.networks, chains: network.chains }, "container networks isolated from the host and from each other (one per team)");
  else log.warn("container network isolation is off: build and app containers can reach the host's services");
  const reassertIsolation = async () => {
    if (isolate) await ensureNetworkIsolation(instanceId);
  };

  // The data plane first: adopted when it survived the previous slipwayd (it kept serving the
  // routes it had), started with its autosaved routes otherwise.
  const caddy = caddyPaths(config.dataDir);
  await ensureCaddy({ dataDir: config.dataDir, log });
  const pusher = caddyRoutePusher(
    caddy.adminSocket,
    {
      domain: config.ingressDomain,
      httpPort: config.ingressPort,
      listenHost: config.ingressHost,
      httpsPort: config.ingressHttpsPort,
      tlsIssuer: config.tlsIssuer,
      acmeEmail: config.acmeEmail,
      adminSocket: caddy.adminSocket,
      accessLog: caddy.accessLog,
    },
    log.child({ component: "ingress" }),
  );
  const caddySupervisor = superviseCaddy({ dataDir: config.dataDir, log, onRespawn: () => pusher.invalidate() });
  const routes = new RouteTable(config.ingressDomain, pusher.sink);
  // Runtime logs of every app, kept per team in <dataDir>/logs/logs.db: followed from the
  // containers' log files (resuming at the cursor stored with the lines), drained before a
  // container is removed, published to live viewers (server/daemon/logs/).
  const logStore = openLogStore(logStorePath(config.dataDir));
  const logBus = new LogBus();
  const logCollector = new EmbeddedLogCollector({ store: logStore, bus: logBus, engine, db, instanceId, log: log.child({ component: "logs" }) });
  // Behind collection: the search index, and each team's retention.
  const logIndexer = new IndexPacing({ indexer: new LogIndexer(logStore), bus: logBus, log: log.child({ component: "log-indexer" }) });
  const logJanitor = new LogJanitor({ store: logStore, db, log: log.child({ component: "log-janitor" }) });
  const embedded = new EmbeddedRuntime({
    db,
    engine,
    routes,
    log,
    instanceId,
    healthTimeoutMs: config.healthTimeoutMs,
    crashLoop: config.crashLoop,
    autoRollbackWindowMs: config.autoRollbackWindowMs,
    drainMs: config.drainMs,
    containerLimits: { pidsLimit: config.appPidsLimit },
    teamNetwork: isolate ? async (teamId) => (await ensureTeamNetwork(instanceId, teamId)).name : undefined,
    volumes: volumeMounts(config.dataDir),
    logs: logCollector,
  });
  // Volumes of embedded projects: loop-mounted ext4 images under the data dir, converged at the
  // start of each pass of the control loop (so mounted again at start-up, before any replica needs them).
  const volumes = new VolumeReconciler({ db, dataDir: config.dataDir, log: log.child({ component: "volumes" }), engine, instanceId });
  // Apps whose project targets a Kubernetes cluster: same loop, same database, other runtime.
  // The Kubernetes client (≈ 70 MiB of RSS) is loaded on the first app bound for a cluster, not
  // by every slipwayd: most run only the embedded runtime.
  const clusters = new ClusterRuntime({
    db,
    log: log.child({ component: "clusters" }),
    rolloutTimeoutMs: config.clusterRolloutTimeoutMs,
    getDriver: async (name) => (await import("../runtime/kubernetes/cluster-drivers")).getClusterDriver(name),
  });
  // Runtime logs of apps on clusters, through the API server into the same store (the Kubernetes
  // client is loaded with the first such app).
  const podLogCollector = new PodLogCollector({
    store: logStore,
    bus: logBus,
    db,
    log: log.child({ component: "pod-logs" }),
    getDriver: async (name) => (await import("../runtime/kubernetes/cluster-drivers")).getClusterDriver(name),
  });
  // The first pass rebuilds the route table from DB + engine. It runs once the API answers (below):
  // Caddy serves the routes it had meanwhile (the same containers after a restart), and the route
  // table pushes nothing before that first full rebuild, so a restart is not held up by it.
  const loop = new ControlLoop({ db, log, runtimes: { embedded, kubernetes: clusters }, volumes });
  const workers = new BuildWorkers({
    db,
    engine,
    log,
    workers: config.buildWorkers,
    buildsDir: config.buildsDir,
    leaseMs: config.buildLeaseMs,
    heartbeatMs: Math.max(500, Math.floor(config.buildLeaseMs / 3)),
    limits: config.buildLimits,
    // Stands for each build's own team network (podman-build.ts resolves it from the build's team id).
    network: network?.name,
    beforeBuild: reassertIsolation,
    // Builds run as `podman build` processes next to the service slipwayd started (podman-build.ts).
    cliBuild: config.dockerHost ? undefined : { containersConf: path.resolve(paths.containersConf) },
    // Straight to the app's step: its new release starts rolling out without waiting for a pass.
    onBuildFinished: (appId) => loop.nudgeApp(appId),
  });
  // Volume backups, restores and backup schedules (embedded volumes: their data is on this machine).
  const backups = new BackupWorkers({ db, engine, log: log.child({ component: "backups" }), dataDir: config.dataDir, nudgeApp: (appId) => loop.nudgeApp(appId), ...backupWorkerTunables() });
  // Container, HTTP (the ingress's access log) and team usage samples, in <dataDir>/metrics/metrics.db.
  const metrics = new MetricsService({
    dataDir: config.dataDir,
    db,
    log,
    routes,
    instanceId,
    podmanSocket: config.dockerHost ? null : socketPath,
    accessLog: caddy.accessLog,
    logBytes: (teamId) => logStore.teamUsage(teamId).bytes,
  });
  const api = await startApi(
    {
      db,
      engine,
      log,
      token,
      instanceId,
      routes,
      loop,
      // One nudge wakes the build and the backup/restore workers alike (a row was queued).
      nudgeBuilds: () => {
        workers.nudge();
        backups.nudge();
      },
      ingress: { domain: config.ingressDomain, port: config.ingressPort },
      metrics: { db, metrics: metrics.db, samplesContainers: metrics.samplesContainers, log: log.child({ component: "metrics" }) },
      logs: { store: logStore, bus: logBus, collector: logCollector },
    },
    config.apiPort,
  );
  // In the background: the first listing finds the containers (a drain before then starts its own).
  void logCollector.start();
  podLogCollector.start();
  logIndexer.start();
  logJanitor.start();
  loop.start();
  workers.start();
  backups.start();
  metrics.start();
  process.stdout.write(
    `slipwayd ready: ingress http://*.${config.ingressDomain}:${config.ingressPort} api 127.0.0.1:${config.apiPort}\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down; containers keep running");
    // A stuck step must not keep the process alive forever; containers are unaffected anyway.
    setTimeout(() => process.exit(1), 20_000).unref();
    api.close();
    api.closeAllConnections();
    // The ingress proxy keeps serving: it is not slipwayd's to stop.
    caddySupervisor.stop();
    await workers.stop();
    log.debug("build workers stopped");
    await backups.stop();
    log.debug("backup workers stopped");
    await loop.stop();
    log.debug("control loop stopped");
    await logCollector.stop();
    await podLogCollector.stop();
    await logIndexer.stop();
    await logJanitor.stop();
    logStore.close();
    pusher.close();
    metrics.stop();
    await db.$disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`slipwayd failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
