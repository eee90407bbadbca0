import "server-only";
import { getDb } from "../../db";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { canAssignRole } from "../permissions";
import { recordAudit } from "../../audit/record-audit";
import { createApiTokenInput, type CreateApiTokenInput, type CreatedApiTokenDto } from "./schemas";
import { newApiTokenSecret } from "./token-secret";
import { toApiTokenDto } from "./to-api-token-dto";

// Enough for every script a person runs; a bound keeps a leaked session from minting thousands.
const MAX_ACTIVE_TOKENS_PER_MEMBER = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates an API token for the actor in the actor's team, with a role no higher than their own.
 * The token is in this result only; the database keeps its SHA-256 hash.
 */
export async function createApiToken({ actor, input }: { actor: Actor; input: CreateApiTokenInput }): Promise<CreatedApiTokenDto> {
  const data = createApiTokenInput.parse(input);
  // A token minting tokens would let a leaked token outlive its own revocation.
  if (actor.via === "token") throw new AppError("FORBIDDEN", "API tokens cannot create API tokens. Sign in to the dashboard to create one.");
  if (!canAssignRole(actor.role, data.role)) {
    throw new AppError("FORBIDDEN", `Your role (${actor.role.toLowerCase()}) cannot create a token with the ${data.role.toLowerCase()} role.`);
  }
  const secret = newApiTokenSecret();
  const now = new Date();
  return getDb().$transaction(async (tx) => {
    const active = await tx.apiToken.count({
      where: { teamId: actor.teamId, userId: actor.userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
    if (active >= MAX_ACTIVE_TOKENS_PER_MEMBER) {
      throw new AppError("CONFLICT", `You already have ${active} active tokens in this team (at most ${MAX_ACTIVE_TOKENS_PER_MEMBER}). Revoke one you no longer use.`);
    }
    const row = await tx.apiToken.create({
      data: {
        teamId: actor.teamId,
        userId: actor.userId,
        name: data.name,
        role: data.role,
        tokenHash: secret.tokenHash,
        tokenPrefix: secret.tokenPrefix,
        expiresAt: data.expiresInDays ? new Date(now.getTime() + data.expiresInDays * DAY_MS) : null,
      },
      include: { user: { select: { email: true } } },
    });
    await recordAudit(tx, {
      actor,
      action: "team.token.create",
      targetType: "apiToken",
      targetId: row.id,
      data: { name: row.name, role: row.role, prefix: row.tokenPrefix, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    return { ...toApiTokenDto(row), token: secret.token };
  });
}
