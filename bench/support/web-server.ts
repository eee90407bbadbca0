// The production web server (`next start`, on the last `next build`) next to a bench session's
// slipwayd, on the same data dir and database, with an API token of the session app's team: for
// benchmarks that must go through the web's routes the way a browser does.
import { execFileSync, spawn } from "node:child_process";
import { newApiTokenSecret } from "../../server/auth/api-tokens/token-secret";
import { ensureWebBuild } from "../../e2e/support/platform";
import { freePort } from "../../tests/support/net";
import type { BenchSession } from "./session";

export interface BenchWebServer {
  url: string;
  /** `Authorization: Bearer …` of an owner of the session app's team */
  token: string;
  /** the process that listens on the web port (`next start`'s server), for its memory */
  pid: number;
}

function listenerPid(port: number): number {
  const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  return Number(/pid=(\d+)/.exec(out)?.[1] ?? 0);
}

export async function startWebServer(s: BenchSession): Promise<BenchWebServer> {
  ensureWebBuild();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      SLIPWAY_DATA_DIR: s.daemon.dataDir,
      DATABASE_URL: s.daemon.databaseUrl,
      SLIPWAY_DAEMON_PORT: String(s.daemon.apiPort),
      SLIPWAY_WEB_PORT: String(port),
      SLIPWAY_PUBLIC_URL: url,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  s.onCleanup(async () => {
    // Its own process group: `next start`'s server process goes with it.
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  });

  const user = await s.db.user.create({ data: { id: `user_${s.runId}`, email: `${s.runId}@example.test`, name: s.runId, emailVerified: true } });
  await s.db.membership.create({ data: { teamId: s.app.teamId, userId: user.id, role: "OWNER" } });
  const secret = newApiTokenSecret();
  await s.db.apiToken.create({ data: { teamId: s.app.teamId, userId: user.id, role: "OWNER", name: "bench", tokenHash: secret.tokenHash, tokenPrefix: secret.tokenPrefix } });

  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${secret.token}` } }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the web server did not answer /api/v1/me within 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, token: secret.token, pid: listenerPid(port) };
}
