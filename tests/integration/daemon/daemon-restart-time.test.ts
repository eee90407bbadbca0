// slipwayd as production runs it: the compiled JavaScript from dist/slipwayd (built on demand by
// scripts/daemon-command.ts), killed with SIGKILL and launched again, comes back as the same
// instance and answers its API. How fast it comes back is measured by bench/daemon-footprint.ts,
// not asserted here: timings on a shared two-core machine would make the test flaky.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/server/db";
import { DAEMON_ENTRY } from "../../../scripts/daemon-command";
import {
  cleanupDaemonResources,
  createDaemon,
  createTestDatabase,
  makeDataDir,
  seedApp,
  type DaemonProcess,
  type SeededApp,
} from "../../support/daemon-harness";

const TEAM = `rt${Date.now().toString(36)}`;
let db: Db;
let daemon: DaemonProcess;
let app: SeededApp;

beforeAll(async () => {
  const dataDir = makeDataDir("restart-time");
  const { url, db: d } = await createTestDatabase(path.join(dataDir, "test.db"));
  db = d;
  app = await seedApp(db, { teamSlug: TEAM, gitUrl: "/nonexistent" });
  daemon = await createDaemon({ dataDir, databaseUrl: url });
});

afterAll(async () => {
  await daemon?.kill("SIGTERM");
  if (daemon) {
    await cleanupDaemonResources(daemon.dataDir);
    rmSync(daemon.dataDir, { recursive: true, force: true });
  }
  await db?.$disconnect();
});

async function appStatus(): Promise<number> {
  const res = await fetch(daemon.apiUrl(`/v1/apps/${app.appId}/status`), { headers: { authorization: `Bearer ${daemon.token()}` } });
  await res.body?.cancel();
  return res.status;
}

describe("compiled slipwayd", () => {
  it("runs from dist/slipwayd, and after SIGKILL a relaunch is the same instance answering its API", async () => {
    await daemon.start();
    const args = daemon.child!.spawnargs;
    expect(args).toContain(DAEMON_ENTRY);
    expect(args.some((a) => a.endsWith(".ts") || a === "tsx")).toBe(false);
    expect(await appStatus()).toBe(200);
    const identity = { instance: daemon.instanceId(), token: daemon.token() };

    await daemon.kill("SIGKILL");
    await expect(fetch(daemon.apiUrl("/healthz"))).rejects.toThrow();

    await daemon.start();
    expect(await appStatus()).toBe(200);
    expect({ instance: daemon.instanceId(), token: daemon.token() }).toEqual(identity);
    // An unknown app is still a 404 and a wrong token a 401: the API is the real one, not a stub.
    const unknown = await fetch(daemon.apiUrl("/v1/apps/nope/status"), { headers: { authorization: `Bearer ${daemon.token()}` } });
    expect(unknown.status).toBe(404);
    const wrong = await fetch(daemon.apiUrl(`/v1/apps/${app.appId}/status`), { headers: { authorization: "Bearer wrong" } });
    expect(wrong.status).toBe(401);
  });
});
