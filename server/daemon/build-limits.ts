// What every build on this installation is held to: the daemon's configuration (config.ts, from
// SLIPWAY_BUILD_* settings) fills it in and hands it to the build workers. It lives with the
// daemon, not the pipeline, so imports point one way: the pipeline reads the daemon's settings
// and engine, the daemon (apart from its composition root, main.ts) never imports the pipeline.

export interface BuildLimits {
  /**
   * The platform's upper cap (SLIPWAY_BUILD_TIMEOUT_SECONDS). Each team has its own limit
   * (TeamQuota.buildTimeoutSeconds, set by the platform admin); a build gets the smaller of the two,
   * so an operator can hold every build on the machine to a ceiling whatever a team's quota says.
   */
  timeoutMs: number;
  memoryMib: number;
  cpuMillicores: number;
  pidsLimit: number;
  maxRepoBytes: number;
  maxContextBytes: number;
  maxLogLines: number;
}

export const DEFAULT_BUILD_LIMITS: BuildLimits = {
  timeoutMs: 6 * 60 * 60_000,
  memoryMib: 2048,
  cpuMillicores: 1000,
  pidsLimit: 1024,
  maxRepoBytes: 500 * 1024 * 1024,
  maxContextBytes: 200 * 1024 * 1024,
  maxLogLines: 10_000,
};
