// API token format and hashing. Tokens are 32 random bytes behind a recognisable prefix; only a
// SHA-256 hash is stored (a token is already high-entropy, so a slow hash adds nothing), and the
// lookup is by that hash, which is not derivable from anything an attacker can time.
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "slw_";

export function newApiTokenSecret(): { token: string; tokenHash: string; tokenPrefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashApiToken(token), tokenPrefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token in `Authorization: Bearer <token>`, or null when the header is absent. */
export function bearerToken(headers: Headers): string | null {
  const header = headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : "";
}
