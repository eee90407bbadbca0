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
  // Apps are served at http://<app>.<project>.<team>.<domain>:<ingress port>/.
  SLIPWAY_INGRESS_DOMAIN: z.string().default("localhost"),
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  DOCKER_HOST: z.string().optional(),
  SLIPWAY_BUILD_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  // Changes per user (or API token) per minute through /api/v1, per web instance.
  SLIPWAY_API_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  // Comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed.
  SLIPWAY_TRUSTED_PROXIES: z.string().default(""),
  // Comma-separated DNS servers (ip or ip:port) used to resolve git hosts before they are checked
  // and pinned; empty = the system resolver. Tests point it at a DNS server on 127.0.0.1.
  SLIPWAY_DNS_SERVERS: z.string().default(""),
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
