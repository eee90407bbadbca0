// Who is acting and in which team: every service takes one of these and scopes by actor.teamId.
import type { RoleName } from "./permissions";

export interface Actor {
  userId: string;
  email: string;
  /** Never true for an API token: platform administration needs a signed-in session. */
  isPlatformAdmin: boolean;
  teamId: string;
  teamSlug: string;
  /** For a token, the lower of the token's role and its owner's current role in the team. */
  role: RoleName;
  /** How the request authenticated: a browser session (cookie) or an API token (bearer). */
  via: "session" | "token";
  tokenId?: string;
  tokenName?: string;
}
