// Secrets at rest (app env, later kubeconfigs) are sealed with AES-256-GCM. The key comes from
// SLIPWAY_SECRET_KEY or, on a single machine, a file generated once in the data dir (mode 0600).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "../env";

const VERSION = "v1";
let key: Buffer | undefined;

function parseKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const buf = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (buf.length !== 32) throw new Error("SLIPWAY_SECRET_KEY must be 32 bytes (64 hex characters or base64)");
  return buf;
}

export function getSecretKey(): Buffer {
  if (key) return key;
  const env = getEnv();
  if (env.SLIPWAY_SECRET_KEY) {
    key = parseKey(env.SLIPWAY_SECRET_KEY);
    return key;
  }
  const file = path.join(env.dataDir, "secret.key");
  if (!existsSync(file)) {
    mkdirSync(env.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  key = parseKey(readFileSync(file, "utf8"));
  return key;
}

export function seal(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", getSecretKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

export function open(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unreadable sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", getSecretKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

export function sealJson(value: unknown): string {
  return seal(JSON.stringify(value));
}

export function openJson<T>(sealed: string, fallback: T): T {
  if (!sealed) return fallback;
  return JSON.parse(open(sealed)) as T;
}
