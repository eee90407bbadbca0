// Calls the real route handlers the way an HTTP client (or an attacker) would, with real
// better-auth sessions and a real, freshly migrated database — no server process needed.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetEnvForTests } from "@/server/env";
import { setDbForTests } from "@/server/db";
import { copySqliteTemplate } from "./test-db";

export const BASE = "http://localhost:3000";

export interface ApiTestEnv {
  dataDir: string;
  databaseUrl: string;
}

/**
 * Points this test file's process at a new data dir and a migrated database: a copy of the
 * migrated SQLite template (tests/support/test-db), or `databaseUrl` from createTestDatabase.
 */
export function setupApiTestEnv(options: { databaseUrl?: string } = {}): ApiTestEnv {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "slipway-api-test-"));
  const databaseUrl = options.databaseUrl ?? copySqliteTemplate(path.join(dataDir, "slipway.db"));
  process.env.SLIPWAY_DATA_DIR = dataDir;
  process.env.DATABASE_URL = databaseUrl;
  process.env.SLIPWAY_WEB_PORT = "3000";
  // No daemon in these tests: the embedded driver's nudge fails fast and is ignored by design.
  process.env.SLIPWAY_DAEMON_PORT = "9";
  resetEnvForTests();
  setDbForTests(undefined);
  return { dataDir, databaseUrl };
}

export async function signUp(email: string, password = "correct-horse-battery"): Promise<string> {
  const { getAuth } = await import("@/server/auth/auth");
  const res = await getAuth().handler(
    new Request(`${BASE}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE },
      body: JSON.stringify({ email, password, name: email.split("@")[0] }),
    }),
  );
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  const session = cookies.find((c) => c?.startsWith("better-auth.session_token="));
  if (!session) throw new Error("sign-up did not set a session cookie");
  return session;
}

type RouteHandler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

export interface CallOptions {
  cookie?: string;
  /** An API token, sent as `Authorization: Bearer`. */
  token?: string;
  body?: unknown;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function call(handler: unknown, method: string, urlPath: string, options: CallOptions = {}) {
  // As the dashboard's own client sends them: its origin, and JSON on every change.
  const headers: Record<string, string> = { origin: BASE, ...(method !== "GET" ? { "content-type": "application/json" } : {}), ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const req = new Request(`${BASE}${urlPath}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const res = await (handler as RouteHandler)(req, { params: Promise.resolve((options.params ?? {}) as never) });
  const text = await res.text();
  let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are asserted field by field
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}
