import "server-only";
import type { ApiTokenDto } from "./schemas";

interface ApiTokenRow {
  id: string;
  name: string;
  tokenPrefix: string;
  role: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string };
}

// Picks fields one by one so that the hash can never leak into a response by a spread.
export function toApiTokenDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    role: row.role,
    owner: { userId: row.userId, email: row.user.email },
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
