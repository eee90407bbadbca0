// The daemon's resolved configuration: process env (server/env.ts) plus the files it keeps in
// its data dir. One place so tests and the driver agree on paths.
import path from "node:path";
import { getEnv } from "../env";
import type { BuildLimits } from "./build-limits";

export interface DaemonConfig {
  dataDir: string;
  databaseUrl: string;
  apiPort: number;
  ingressPort: number;
  /** the address the ingress listens on ("" or 0.0.0.0: every interface) */
  ingressHost: string;
  ingressDomain: string;
  ingressHttpsPort: number;
  tlsIssuer: "acme" | "internal";
  acmeEmail?: string;
  dockerHost?: string;
  buildWorkers: number;
  /** how long a build's lease lasts without a heartbeat before another worker may retry it */
  buildLeaseMs: number;
  /** how long a new release may take to pass its health check before it is failed */
  healthTimeoutMs: number;
  /** how long a cluster rollout may take (scheduling, image pulls, readiness) before it is failed */
  clusterRolloutTimeoutMs: number;
  /** crash loop of a release being rolled out: restart backoff (doubling, capped) and crashes that fail it */
  crashLoop: { backoffBaseMs: number; backoffMaxMs: number; limit: number; recoveredAfterMs: number };
  /** a live release that crashes crashLoop.limit times within this long of going live is rolled back (when the app allows) */
  autoRollbackWindowMs: number;
  /** how long replaced replicas keep running after traffic left them, for requests in flight */
  drainMs: number;
  logLevel: string;
  /** Where the embedded driver and tests find the bearer token. */
  tokenFile: string;
  podmanSocket: string;
  buildsDir: string;
  buildLimits: BuildLimits;
  appPidsLimit: number;
  networkIsolation: boolean;
}


export function daemonPaths(dataDir: string) {
  return {
    tokenFile: path.join(dataDir, "daemon.token"),
    podmanSocket: path.join(dataDir, "podman.sock"),
    podmanPidFile: path.join(dataDir, "podman.pid"),
    podmanLog: path.join(dataDir, "podman.log"),
    containersConf: path.join(dataDir, "containers.conf"),
    instanceFile: path.join(dataDir, "instance-id"),
    buildsDir: path.join(dataDir, "builds"),
    /** HOME of the Podman service: empty, so no one's registry logins are found there */
    engineHome: path.join(dataDir, "engine-home"),
    /** an empty registry auth file for the Podman service (REGISTRY_AUTH_FILE) */
    engineAuthFile: path.join(dataDir, "engine-home", "auth.json"),
  };
}

export function loadDaemonConfig(): DaemonConfig {
  const env = getEnv();
  const paths = daemonPaths(env.dataDir);
  return {
    dataDir: env.dataDir,
    databaseUrl: env.databaseUrl,
    apiPort: env.SLIPWAY_DAEMON_PORT,
    ingressPort: env.SLIPWAY_INGRESS_PORT,
    ingressHost: env.SLIPWAY_INGRESS_HOST,
    ingressDomain: env.SLIPWAY_INGRESS_DOMAIN.toLowerCase(),
    ingressHttpsPort: env.SLIPWAY_INGRESS_HTTPS_PORT,
    tlsIssuer: env.SLIPWAY_TLS_ISSUER,
    acmeEmail: env.SLIPWAY_ACME_EMAIL,
    dockerHost: env.DOCKER_HOST,
    buildWorkers: env.SLIPWAY_BUILD_WORKERS,
    // Not in server/env.ts because only slipwayd (and its tests) care.
    buildLeaseMs: Math.max(1000, Number(process.env.SLIPWAY_BUILD_LEASE_MS) || 30_000),
    healthTimeoutMs: Math.max(1000, Number(process.env.SLIPWAY_HEALTH_TIMEOUT_MS) || 60_000),
    clusterRolloutTimeoutMs: Math.max(1000, Number(process.env.SLIPWAY_CLUSTER_ROLLOUT_TIMEOUT_MS) || 180_000),
    crashLoop: {
      backoffBaseMs: Math.max(100, Number(process.env.SLIPWAY_CRASH_BACKOFF_MS) || 1000),
      backoffMaxMs: Math.max(100, Number(process.env.SLIPWAY_CRASH_BACKOFF_MAX_MS) || 30_000),
      limit: Math.max(1, Math.floor(Number(process.env.SLIPWAY_CRASH_LOOP_LIMIT)) || 3),
      recoveredAfterMs: Math.max(1000, Number(process.env.SLIPWAY_CRASH_RECOVERED_AFTER_MS) || 120_000),
    },
    autoRollbackWindowMs: Math.max(0, Number(process.env.SLIPWAY_AUTO_ROLLBACK_WINDOW_MS) || 5 * 60_000),
    drainMs: Math.max(0, Number(process.env.SLIPWAY_DRAIN_MS) || 5000),
    logLevel: env.LOG_LEVEL,
    tokenFile: paths.tokenFile,
    podmanSocket: paths.podmanSocket,
    buildsDir: paths.buildsDir,
    buildLimits: {
      timeoutMs: env.SLIPWAY_BUILD_TIMEOUT_SECONDS * 1000,
      memoryMib: env.SLIPWAY_BUILD_MEMORY_MIB,
      cpuMillicores: env.SLIPWAY_BUILD_CPU_MILLICORES,
      pidsLimit: env.SLIPWAY_BUILD_PIDS_LIMIT,
      maxRepoBytes: Math.floor(env.SLIPWAY_MAX_REPO_MIB * 1024 * 1024),
      maxContextBytes: Math.floor(env.SLIPWAY_MAX_CONTEXT_MIB * 1024 * 1024),
      maxLogLines: env.SLIPWAY_BUILD_LOG_MAX_LINES,
    },
    appPidsLimit: env.SLIPWAY_APP_PIDS_LIMIT,
    networkIsolation: env.SLIPWAY_NETWORK_ISOLATION === "on",
  };
}
