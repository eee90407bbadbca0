// The capability in an "open" link (/open/<ticket>/…): which app, for whom, until when, signed
// with a key derived from the platform's secret key. The link stands in for the public URL an app
// gets from an ingress, so it works without the dashboard's cookies (the opened app runs in a
// sandbox that never sees them); each request still checks that the person is in the app's team.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { getSecretKey } from "../../crypto/secret-box";

/** How long an open link works; the app page makes a fresh one on every click. */
export const OPEN_TICKET_TTL_MS = 2 * 60 * 60 * 1000;

export interface OpenTicket {
  appId: string;
  userId: string;
  expiresAt: Date;
}

const ID = /^[a-z0-9]{1,64}$/i;
let macKey: Buffer | undefined;

function signingKey(): Buffer {
  macKey ??= Buffer.from(hkdfSync("sha256", getSecretKey(), Buffer.alloc(0), "slipway open-app link v1", 32));
  return macKey;
}

function mac(payload: string): Buffer {
  return createHmac("sha256", signingKey()).update(payload).digest();
}

export function signOpenTicket({ appId, userId, expiresAt }: OpenTicket): string {
  if (!ID.test(appId) || !ID.test(userId)) throw new Error("app and user ids must be alphanumeric");
  const payload = `${appId}.${userId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${mac(payload).toString("base64url")}`;
}

/** "invalid" for anything not signed here (a 404 to the caller); "expired" when past its time. */
export function verifyOpenTicket(ticket: string, now = new Date()): OpenTicket | "invalid" | "expired" {
  const parts = ticket.split(".");
  if (parts.length !== 4) return "invalid";
  const [appId, userId, expires, signature] = parts as [string, string, string, string];
  if (!ID.test(appId) || !ID.test(userId) || !/^[0-9a-z]{1,12}$/.test(expires)) return "invalid";
  const given = Buffer.from(signature, "base64url");
  const expected = mac(`${appId}.${userId}.${expires}`);
  // Constant time, over equal lengths (timingSafeEqual throws otherwise).
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  const expiresAt = new Date(parseInt(expires, 36) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return "expired";
  return { appId, userId, expiresAt };
}
