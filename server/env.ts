// Validated process configuration, shared by the web server and slipwayd.
import path from "node:path";
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  SLIPWAY_DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().optional(),
  // 32 bytes, hex or base64. When absent a key is generated into the data dir on first use.
  SLIPWAY_SECRET_KEY: z.string().optional(),
  SLIPWAY_WEB_PORT: port.default(3000),
  SLIPWAY_DAEMON_PORT: port.default(7077),
  SLIPWAY_INGRESS_PORT: port.default(8088),
  // The address the ingress (Caddy) listens on: loopback by default, like the web server; set
  // 0.0.0.0 (or an interface's address) to serve apps to other machines, as ACME needs.
  SLIPWAY_INGRESS_HOST: z.string().default("127.0.0.1"),
  // Apps are served at http://<app>.<project>.<team>.<domain>:<ingress port>/.
  SLIPWAY_INGRESS_DOMAIN: z.string().default("localhost"),
  // Verified custom domains are served over HTTPS on this port (plain HTTP on the ingress port redirects there).
  SLIPWAY_INGRESS_HTTPS_PORT: port.default(443),
  // Who signs custom domains' certificates: "acme" (Let's Encrypt; the ports must be reachable as
  // 80/443 from the internet) or "internal" (the ingress proxy's own CA: tests, private networks).
  SLIPWAY_TLS_ISSUER: z.enum(["acme", "internal"]).default("acme"),
  SLIPWAY_ACME_EMAIL: z.string().email().optional(),
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  DOCKER_HOST: z.string().optional(),
  SLIPWAY_BUILD_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  // Changes per user (or API token) per minute through /api/v1, per web instance.
  SLIPWAY_API_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  // Webhook deliveries per app per minute (a burst of this many, refilled evenly), per web instance.
  SLIPWAY_WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  // Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed.
  SLIPWAY_TRUSTED_PROXIES: z.string().default(""),
  // Comma-separated DNS servers (ip or ip:port) used to resolve git hosts before they are checked
  // and pinned; empty = the system resolver. Tests point it at a DNS server on 127.0.0.1.
  SLIPWAY_DNS_SERVERS: z.string().default(""),
  // The DNS server ("host:port") custom-domain checks ask (the TXT proof, the A/AAAA of the HTTP
  // proof); unset: the servers of SLIPWAY_DNS_SERVERS, else the system's resolvers. Tests point it at
  // a DNS server on 127.0.0.1.
  SLIPWAY_DNS_RESOLVER: z.string().trim().min(1).optional(),
  // The port an HTTP proof of a custom domain is fetched from (production: 80; tests: the ingress's).
  SLIPWAY_DOMAIN_HTTP_PORT: port.default(80),
  // Build and container caps (slipwayd). Sizes in MiB; fractions allowed (tests use tiny limits).
  // The platform's cap on every build; each team's own limit (TeamQuota.buildTimeoutSeconds) applies below it.
  SLIPWAY_BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(6 * 60 * 60),
  SLIPWAY_BUILD_MEMORY_MIB: z.coerce.number().int().min(64).default(2048),
  SLIPWAY_BUILD_CPU_MILLICORES: z.coerce.number().int().min(100).default(1000),
  SLIPWAY_BUILD_PIDS_LIMIT: z.coerce.number().int().min(16).default(1024),
  SLIPWAY_APP_PIDS_LIMIT: z.coerce.number().int().min(16).default(512),
  SLIPWAY_MAX_REPO_MIB: z.coerce.number().positive().default(500),
  SLIPWAY_MAX_CONTEXT_MIB: z.coerce.number().positive().default(200),
  SLIPWAY_BUILD_LOG_MAX_LINES: z.coerce.number().int().min(10).default(10_000),
  // "off" leaves build and app containers on the engine's default network, without the host
  // firewall rules (for engines slipwayd does not run next to, e.g. a remote DOCKER_HOST).
  SLIPWAY_NETWORK_ISOLATION: z.enum(["on", "off"]).default("on"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema> & { dataDir: string; databaseUrl: string; isPostgres: boolean };

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Slipway configuration: ${issues}`);
  }
  const dataDir = path.resolve(parsed.data.SLIPWAY_DATA_DIR);
  const databaseUrl = parsed.data.DATABASE_URL ?? `file:${path.join(dataDir, "slipway.db")}`;
  cached = {
    ...parsed.data,
    dataDir,
    databaseUrl,
    isPostgres: /^postgres(ql)?:\/\//.test(databaseUrl),
  };
  return cached;
}

/** Tests change the environment between cases; production never calls this. */
export function resetEnvForTests(): void {
  cached = undefined;
}
