import "server-only";
// The one wrapper every route handler goes through: authenticate → authorize (role) → parse →
// call the handler → map errors through the single code→status table.
import { ZodError, type ZodType } from "zod";
import { AppError } from "./errors";
import { DriverError } from "./runtime/runtime-driver";
import { logger } from "./logger";
import { can, type Permission } from "./auth/permissions";
import { requireActor, requireSignedInUser, type SignedInUser } from "./auth/resolve-actor";
import type { Actor } from "./auth/actor";
import { assertSameOriginJson } from "./auth/csrf";
import { RateLimiter } from "./rate-limit";
import { getEnv } from "./env";

let mutationLimiter: RateLimiter | undefined;
function mutationLimiterFor(): RateLimiter {
  const perMinute = getEnv().SLIPWAY_API_MUTATIONS_PER_MINUTE;
  mutationLimiter ??= new RateLimiter(perMinute, perMinute / 60);
  return mutationLimiter;
}

export interface RouteContext<P> {
  req: Request;
  params: P;
  actor: Actor;
}

type Handler<P> = (ctx: RouteContext<P>) => Promise<Response | unknown>;

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message, fields: error.fields, details: error.details } },
      { status: error.status },
    );
  }
  if (error instanceof ZodError) {
    const fields = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const message = fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
    return Response.json({ error: { code: "VALIDATION", message, fields } }, { status: 422 });
  }
  if (error instanceof DriverError && (error.kind === "unavailable" || error.kind === "timeout")) {
    // The runtime is down or slow, not the request wrong: say so, and what to do, with a 503.
    logger.warn({ err: error, target: error.target, resource: error.resource }, "runtime unavailable");
    return Response.json({ error: { code: "RUNTIME_UNAVAILABLE", message: `${error.message} Nothing was changed; try again once the runtime is back.` } }, { status: 503 });
  }
  logger.error({ err: error }, "unhandled error in route");
  return Response.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. Try again; if it persists, check the server log." } }, { status: 500 });
}

export type RouteHandler<P> = ((req: Request, context: { params: Promise<P> }) => Promise<Response>) & {
  /** What the route asks of the actor ("signed-in": a session, no team needed); the route matrix test reads it. */
  readonly permission: Permission | "signed-in";
};

export interface UserRouteContext<P> {
  req: Request;
  params: P;
  user: SignedInUser;
}

export interface RouteOptions {
  /**
   * Only a signed-in person, never an API token: for changes a leaked token must not be able to
   * make on its owner's behalf (minting more tokens, leaving the team).
   */
  sessionOnly?: boolean;
}

/**
 * Wraps a route handler: authenticate (session or API token) → CSRF for cookie-authenticated
 * changes → role → rate limit → handler → one error table. Tenancy is the service's job.
 */
export function route<P = Record<string, never>>(permission: Permission, handler: Handler<P>, options: RouteOptions = {}): RouteHandler<P> {
  const wrapped = async (req: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const actor = await requireActor(req.headers);
      if (actor.via === "session") assertSameOriginJson(req);
      if (options.sessionOnly && actor.via === "token") {
        throw new AppError("FORBIDDEN", "API tokens cannot do this; sign in to the dashboard to do it yourself.");
      }
      if (!can(actor, permission)) {
        throw new AppError(
          "FORBIDDEN",
          permission === "platform:admin"
            ? "Only a platform admin may do this."
            : `Your role (${actor.role.toLowerCase()}) in team ${actor.teamSlug} may not do this.`,
        );
      }
      return await respond(req, actor.tokenId ?? actor.userId, async () => handler({ req, params: await context.params, actor }));
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.assign(wrapped, { permission });
}

/** The common end of both wrappers: rate-limit changes per caller, run, answer JSON (201 for POST). */
async function respond(req: Request, callerKey: string, run: () => Promise<Response | unknown>): Promise<Response> {
  if (req.method !== "GET" && !mutationLimiterFor().take(callerKey)) {
    throw new AppError("RATE_LIMITED", "Too many requests; wait a moment and try again.");
  }
  const result = await run();
  if (result instanceof Response) return result;
  return Response.json(result ?? null, { status: req.method === "POST" ? 201 : 200 });
}

/**
 * For the few routes a signed-in user may call before they belong to a team (accepting an
 * invitation): a browser session only (API tokens belong to a team), with the same CSRF check.
 */
export function userRoute<P = Record<string, never>>(handler: (ctx: UserRouteContext<P>) => Promise<Response | unknown>): RouteHandler<P> {
  const wrapped = async (req: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const user = await requireSignedInUser(req.headers);
      assertSameOriginJson(req);
      return await respond(req, user.userId, async () => handler({ req, params: await context.params, user }));
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.assign(wrapped, { permission: "signed-in" as const });
}

export async function parseBody<T>(req: Request, schema: ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new AppError("BAD_REQUEST", "The request body must be JSON.");
  }
  return schema.parse(raw);
}

export function parseQuery<T>(req: Request, schema: ZodType<T>): T {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}
