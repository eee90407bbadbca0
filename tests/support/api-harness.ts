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

export interface SignUpOptions {
  password?: string;
  /** Extra request headers, e.g. `x-slipway-invitation-token`. */
  headers?: Record<string, string>;
  /**
   * While the database has no users, a sign-up needs the one-time setup token: by default one is
   * issued (as `npm start` does) and sent, so the first test user becomes the platform admin.
   * `false` sends none (tests of the first-admin gate).
   */
  autoSetupToken?: boolean;
}

/** A sign-up through better-auth's own endpoint; answers what it answered, refusals included. */
export async function trySignUp(email: string, options: SignUpOptions = {}): Promise<{ status: number; json: any; cookie: string | undefined }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
  const { getAuth } = await import("@/server/auth/auth");
  const { getDb } = await import("@/server/db");
  const { issueSetupToken, SETUP_TOKEN_HEADER } = await import("@/server/auth/setup-token");
  const headers: Record<string, string> = { "content-type": "application/json", origin: BASE, ...options.headers };
  if (options.autoSetupToken !== false && !headers[SETUP_TOKEN_HEADER] && (await getDb().user.count()) === 0) {
    const token = await issueSetupToken();
    if (token) headers[SETUP_TOKEN_HEADER] = token;
  }
  const res = await getAuth().handler(
    new Request(`${BASE}/api/auth/sign-up/email`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email, password: options.password ?? "correct-horse-battery", name: email.split("@")[0] }),
    }),
  );
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  return { status: res.status, json, cookie: cookies.find((c) => c?.startsWith("better-auth.session_token=")) };
}

export async function signUp(email: string, passwordOrOptions: string | SignUpOptions = {}): Promise<string> {
  const options = typeof passwordOrOptions === "string" ? { password: passwordOrOptions } : passwordOrOptions;
  const res = await trySignUp(email, options);
  if (res.status < 200 || res.status >= 300) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.json)}`);
  if (!res.cookie) throw new Error("sign-up did not set a session cookie");
  return res.cookie;
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
