import "server-only";
// Turns a request into an Actor: an API token (`Authorization: Bearer`) acts in its own team; a
// session acts in the team chosen by the `x-slipway-team` header or `slipway_team` cookie (a team
// slug), else in the user's first team.
import { getDb } from "../db";
import { AppError } from "../errors";
import { getAuth } from "./auth";
import type { Actor } from "./actor";
import { TEAM_COOKIE } from "../teams/constants";
import { bearerToken } from "./api-tokens/token-secret";
import { resolveTokenActor } from "./api-tokens/resolve-token-actor";


function cookieValue(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export async function resolveActor(headers: Headers): Promise<Actor | null> {
  const token = bearerToken(headers);
  if (token !== null) return resolveTokenActor(token);
  const session = await getAuth().api.getSession({ headers });
  if (!session) return null;
  const requestedTeam = headers.get("x-slipway-team") ?? cookieValue(headers.get("cookie"), TEAM_COOKIE);
  const db = getDb();
  const memberships = await db.membership.findMany({
    where: { userId: session.user.id },
    include: { team: true, user: true },
    orderBy: { createdAt: "asc" },
  });
  const membership = memberships.find((m) => m.team.slug === requestedTeam) ?? memberships[0];
  if (!membership) throw new AppError("FORBIDDEN", "You are not a member of any team. Ask a team admin for an invitation.");
  return {
    userId: membership.user.id,
    email: membership.user.email,
    isPlatformAdmin: membership.user.isPlatformAdmin,
    teamId: membership.teamId,
    teamSlug: membership.team.slug,
    role: membership.role,
    via: "session",
  };
}

export interface SignedInUser {
  userId: string;
  email: string;
  isPlatformAdmin: boolean;
}

/** A browser session's user, whether or not they belong to a team yet. */
export async function requireSignedInUser(headers: Headers): Promise<SignedInUser> {
  if (bearerToken(headers) !== null) throw new AppError("FORBIDDEN", "Sign in with a browser session to do this; API tokens act only within their team.");
  const session = await getAuth().api.getSession({ headers });
  if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  const user = await getDb().user.findUniqueOrThrow({ where: { id: session.user.id } });
  return { userId: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin };
}

export async function requireActor(headers: Headers): Promise<Actor> {
  const actor = await resolveActor(headers);
  if (!actor) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  return actor;
}
