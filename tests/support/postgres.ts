// The throw-away PostgreSQL server for tests. `npm test` starts it once and exports
// SLIPWAY_TEST_POSTGRES_URL; a test file run on its own starts (or reuses) the same server through
// scripts/postgres-test-server.sh, which installs PostgreSQL from Debian's packages if needed.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function getTestPostgresUrl(): string {
  const existing = process.env.SLIPWAY_TEST_POSTGRES_URL;
  if (existing) return existing;
  const url = execFileSync("bash", [path.join(root, "scripts/postgres-test-server.sh")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 600_000,
  }).trim();
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`postgres-test-server.sh printed no URL: ${JSON.stringify(url)}`);
  process.env.SLIPWAY_TEST_POSTGRES_URL = url;
  return url;
}

/** The same server URL pointing at another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction). */
export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: getTestPostgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
