// API token inputs and DTOs (safe to import from components).
import { z } from "zod";
import { roles } from "../permissions";

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "give the token a name").max(60),
  role: z.enum(roles),
  // Omitted or null: the token lasts until it is revoked (or its owner leaves the team).
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;

export interface ApiTokenDto {
  id: string;
  name: string;
  /** The first characters of the token ("slw_ab12cd"), to recognise it; never the token itself. */
  prefix: string;
  role: string;
  owner: { userId: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Only in the response to its creation: the token is never shown again. */
export interface CreatedApiTokenDto extends ApiTokenDto {
  token: string;
}
