import "server-only";
// Turns a bearer token into an Actor for the token's team. The token acts with the lower of its
// own role and its owner's current role there; a revoked or expired token, or one whose owner
// has left the team, is refused.
import { getDb } from "../../db";
import { AppError } from "../../errors";
import { lowerRole } from "../permissions";
import type { Actor } from "../actor";
import { API_TOKEN_PREFIX, hashApiToken } from "./token-secret";

// lastUsedAt is written at most this often per token, so a busy script does not turn every read
// into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

export async function resolveTokenActor(token: string): Promise<Actor> {
  const invalid = new AppError("UNAUTHENTICATED", "The API token is invalid, expired or revoked. Create a new one on the team page.");
  if (!token.startsWith(API_TOKEN_PREFIX)) throw invalid;
  const db = getDb();
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    include: { user: true, team: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) throw invalid;
  const membership = await db.membership.findUnique({ where: { teamId_userId: { teamId: row.teamId, userId: row.userId } } });
  if (!membership) throw invalid;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // updateMany: a token revoked or deleted a moment ago must not turn this request into a 500
    // (the request itself was authorised by the row read above).
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return {
    userId: row.userId,
    email: row.user.email,
    isPlatformAdmin: false,
    teamId: row.teamId,
    teamSlug: row.team.slug,
    role: lowerRole(row.role, membership.role),
    via: "token",
    tokenId: row.id,
    tokenName: row.name,
  };
}
