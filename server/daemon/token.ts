// The daemon API's bearer token lives in <dataDir>/daemon.token (0600). Only processes that can
// read the data dir (the web server, the CLI) can talk to the daemon.
import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";

export function ensureToken(tokenFile: string): string {
  try {
    const existing = readFileSync(tokenFile, "utf8").trim();
    if (existing) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(path.dirname(tokenFile), { recursive: true });
  const token = randomBytes(32).toString("hex");
  try {
    writeFileSync(tokenFile, token, { mode: 0o600, flag: "wx" });
  } catch (e) {
    // Another process won the race: use its token.
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(tokenFile, "utf8").trim();
    throw e;
  }
  chmodSync(tokenFile, 0o600);
  return token;
}

/** Constant-time comparison; hashing first makes the lengths equal. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(presented).digest();
  return timingSafeEqual(a, b);
}

export function bearerFrom(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m?.[1];
}
