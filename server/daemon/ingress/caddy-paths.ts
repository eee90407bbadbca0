// Where the ingress proxy (Caddy) keeps its state, under the daemon's data dir. Caddy's config
// autosave (what `caddy run --resume` reloads) and its storage (the internal CA, certificates,
// ACME accounts) live here, so each data dir has its own proxy and nothing touches /etc/caddy.
import path from "node:path";

export function caddyPaths(dataDir: string) {
  const root = path.resolve(dataDir, "caddy");
  return {
    root,
    /** XDG_CONFIG_HOME of the Caddy process: holds caddy/autosave.json */
    configHome: path.join(root, "config"),
    /** XDG_DATA_HOME of the Caddy process: holds caddy/pki, caddy/certificates, … */
    dataHome: path.join(root, "data"),
    autosave: path.join(root, "config", "caddy", "autosave.json"),
    /** the admin API: a unix socket only slipwayd (and root) can reach, never a TCP port */
    adminSocket: path.join(root, "admin.sock"),
    /** the config Caddy starts with when it has no autosave yet (admin listener only) */
    initialConfig: path.join(root, "initial.json"),
    pidFile: path.join(root, "caddy.pid"),
    logFile: path.join(root, "caddy.log"),
    /** one JSON line per request (caddy-config.ts loggingWithAccessLog), read by slipwayd's HTTP metrics */
    accessLog: path.join(root, "access.log"),
  };
}

/** The root certificate of Caddy's internal CA (issuer "internal"): clients that trust it accept custom domains' certificates. */
export function ingressCaRootPath(dataDir: string): string {
  return path.join(caddyPaths(dataDir).dataHome, "caddy", "pki", "authorities", "local", "root.crt");
}
