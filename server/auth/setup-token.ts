import "server-only";
// The safe first admin: while the platform has no users, only a sign-up that carries the one-time
// setup token `npm start` printed may create an account, and that account becomes platform admin.
// Without it, whoever first reached a fresh install's sign-up page would own the platform.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, Tx } from "../db";
import { getDb } from "../db";

export const SETUP_TOKEN_HEADER = "x-slipway-setup-token";
// Long enough to finish installing; each `npm start` on a platform without users issues a new one.
const SETUP_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

function hashSetupToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A new setup token when the platform has no users yet (it replaces any earlier one), else null.
 * Only its hash and expiry are stored; the token itself is returned once, to be printed.
 */
export async function issueSetupToken(db: Db = getDb()): Promise<string | null> {
  if ((await db.user.count()) > 0) return null;
  const token = `setup_${randomBytes(24).toString("base64url")}`;
  const data = { setupTokenHash: hashSetupToken(token), setupTokenExpiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) };
  await db.platformSettings.upsert({ where: { id: "platform" }, create: data, update: data });
  return token;
}

/** Whether `token` is the current, unexpired setup token (the sign-up gate's check). */
export async function isValidSetupToken(token: string, db: Db | Tx = getDb()): Promise<boolean> {
  const settings = await db.platformSettings.findUnique({ where: { id: "platform" } });
  if (!settings?.setupTokenHash || !settings.setupTokenExpiresAt) return false;
  if (settings.setupTokenExpiresAt.getTime() <= Date.now()) return false;
  const expected = Buffer.from(settings.setupTokenHash, "hex");
  const actual = Buffer.from(hashSetupToken(token), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Uses the token up: true for exactly one caller, even when two sign-ups race with the same
 * token (the conditional update is the decision, not an earlier read).
 */
export async function consumeSetupToken(tx: Db | Tx, token: string): Promise<boolean> {
  const { count } = await tx.platformSettings.updateMany({
    where: { id: "platform", setupTokenHash: hashSetupToken(token), setupTokenExpiresAt: { gt: new Date() } },
    data: { setupTokenHash: null, setupTokenExpiresAt: null },
  });
  return count === 1;
}

/** True until the first account exists: the sign-up page then asks for the setup link. */
export async function platformNeedsFirstAdmin(db: Db = getDb()): Promise<boolean> {
  return (await db.user.count()) === 0;
}
