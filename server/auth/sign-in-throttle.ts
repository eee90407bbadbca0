import "server-only";
// Sign-in throttling per account ("account:<email>") and per client address ("address:<ip>",
// IPv6 by /64), in the AuthThrottle table so that every web instance sees the same counts.
//
// Only wrong credentials count. Reaching the threshold locks the key; each further failure
// after a lock has ended locks it again for twice as long (capped), until a quiet period of one
// window with no lock restarts the count. While a key is locked no password is even checked:
// the right one is refused too. A successful sign-in clears the account's count, never the
// address's (or one valid account would launder an address's guesses at others).
//
// Refusals look the same whether or not the account exists: the account key is the email as
// typed, whether or not anyone signed up with it.
//
// better-auth's own limiter (3 sign-ins per 10 s per address, in memory, production only) stays
// on in front of this as a burst brake; it keys on the same stamped client address (auth.ts).
import { APIError } from "better-auth/api";
import { getDb } from "../db";
import { logger } from "../logger";
import type { AuthEndpointContext } from "./auth-endpoint-hooks";
import { clientAddress } from "./client-address";

export interface ThrottlePolicy {
  /** Failures in one window that lock the key. */
  threshold: number;
  windowMs: number;
  /** The first lock; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
}

const MINUTE = 60_000;
export const ACCOUNT_POLICY: ThrottlePolicy = { threshold: 5, windowMs: 15 * MINUTE, baseLockMs: 15 * MINUTE, maxLockMs: 24 * 60 * MINUTE };
export const ADDRESS_POLICY: ThrottlePolicy = { threshold: 20, windowMs: 15 * MINUTE, baseLockMs: 15 * MINUTE, maxLockMs: 24 * 60 * MINUTE };

// Rows of keys nobody has failed on for this long (and that are not locked) are deleted now and
// then, so that a spray of made-up emails does not grow the table for ever.
const STALE_AFTER_MS = 2 * 24 * 60 * MINUTE;
const PRUNE_PROBABILITY = 0.01;

interface Keys {
  account: string | null;
  address: string | null;
}

function keysOf(ctx: AuthEndpointContext): Keys {
  const body = (ctx.body ?? {}) as { email?: unknown };
  const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
  const headers = ctx.headers ?? ctx.request?.headers;
  const address = headers ? clientAddress(headers) : null;
  return {
    account: email ? `account:${email}` : null,
    address: address ? `address:${addressBucket(address)}` : null,
  };
}

/** One IPv6 client usually holds a whole /64: counting single addresses would let it rotate. */
function addressBucket(address: string): string {
  if (!address.includes(":")) return address;
  return `${address.split(":").slice(0, 4).join(":")}::/64`;
}

function inWords(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

export async function beforeSignInAttempt(ctx: AuthEndpointContext): Promise<void> {
  const keys = [...Object.values(keysOf(ctx))].filter((k): k is string => k !== null);
  if (keys.length === 0) return;
  const now = Date.now();
  const rows = await getDb().authThrottle.findMany({ where: { key: { in: keys } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  if (until <= now) return;
  const retryAfterSeconds = Math.ceil((until - now) / 1000);
  throw new APIError(
    "TOO_MANY_REQUESTS",
    {
      code: "SIGN_IN_THROTTLED",
      message: `Too many failed sign-in attempts. Try again in ${inWords(until - now)}.`,
      retryAfterSeconds,
    },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

function isErrorResult(value: unknown): value is { statusCode: number } {
  return typeof value === "object" && value !== null && "statusCode" in value && typeof (value as { statusCode: unknown }).statusCode === "number";
}

export async function afterSignInAttempt(ctx: AuthEndpointContext): Promise<void> {
  const keys = keysOf(ctx);
  const returned = ctx.context.returned;
  if (isErrorResult(returned)) {
    // 401 is a wrong email or password; a malformed request (400) guessed nothing.
    if (returned.statusCode !== 401) return;
    const now = new Date();
    if (keys.account) await recordFailure(keys.account, ACCOUNT_POLICY, now);
    if (keys.address) await recordFailure(keys.address, ADDRESS_POLICY, now);
    if (Math.random() < PRUNE_PROBABILITY) await pruneStaleRows(now);
    return;
  }
  if (returned !== undefined && keys.account) await getDb().authThrottle.deleteMany({ where: { key: keys.account } });
}

/** Counts one failure for `key` and locks it once the count reaches the threshold. Safe under concurrency. */
export async function recordFailure(key: string, policy: ThrottlePolicy, now: Date): Promise<void> {
  const db = getDb();
  const quietSince = new Date(now.getTime() - policy.windowMs);
  // A fresh window: the last one is over and no lock has ended within it.
  await db.authThrottle.updateMany({
    where: { key, windowStartsAt: { lt: quietSince }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: quietSince } }] },
    data: { failures: 0, windowStartsAt: now, lockedUntil: null },
  });
  let row;
  try {
    row = await db.authThrottle.upsert({
      where: { key },
      create: { key, failures: 1, windowStartsAt: now },
      update: { failures: { increment: 1 } },
    });
  } catch (e) {
    // Another instance created the row between our look and our insert: count on it.
    if ((e as { code?: string }).code !== "P2002") throw e;
    row = await db.authThrottle.update({ where: { key }, data: { failures: { increment: 1 } } });
  }
  if (row.failures < policy.threshold) return;
  const lockMs = Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(30, row.failures - policy.threshold));
  const lockedUntil = new Date(now.getTime() + lockMs);
  // Never shorten a lock another instance has just set.
  await db.authThrottle.updateMany({ where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lt: lockedUntil } }] }, data: { lockedUntil } });
  logger.warn({ key: key.startsWith("account:") ? "account" : key, failures: row.failures, lockedUntil }, "sign-in locked after repeated failures");
}

async function pruneStaleRows(now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - STALE_AFTER_MS);
  await getDb().authThrottle.deleteMany({ where: { updatedAt: { lt: staleBefore }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] } });
}
