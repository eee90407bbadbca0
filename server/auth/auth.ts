import "server-only";
// Sign-up, sign-in and sessions are better-auth's; Slipway only adds what happens on sign-up.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { getDb } from "../db";
import { getEnv } from "../env";
import { getAuthSecret } from "./auth-secret";
import { dashboardOrigins, publicUrl } from "./origins";
import { usesHttps } from "./cookies";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { afterAuthEndpoint, beforeAuthEndpoint } from "./auth-endpoint-hooks";
import { provisionNewUser } from "../teams/provision-new-user";

function createAuth() {
  const env = getEnv();
  const baseURL = publicUrl();
  return betterAuth({
    baseURL,
    secret: getAuthSecret(),
    trustedOrigins: dashboardOrigins(),
    advanced: {
      // better-auth skips its Origin check when NODE_ENV is "test"; stating it keeps the tests
      // honest about what production does: a cookie-carrying POST to /api/auth/* from any other
      // origin (sign-out, sign-in over a session, …) is refused.
      disableOriginCheck: false,
      // Secure cookies whenever the dashboard is served over https (they are then never sent over
      // plain http), whatever NODE_ENV says.
      useSecureCookies: usesHttps(),
      // Sessions record, and better-auth's own limiter keys on, the address the request stamp
      // resolved (client-address.ts), not an X-Forwarded-For any client can write.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    // better-auth's in-memory limiter is only a burst brake per web instance; the throttle that
    // holds (per account and per address, shared by every instance) is sign-in-throttle.ts. Its
    // default of 3 sign-ins or sign-ups per 10 s per address refuses a team signing in from one
    // office address, so the brake is looser here.
    rateLimit: {
      customRules: {
        "/sign-in/*": { window: 60, max: 30 },
        "/sign-up/*": { window: 60, max: 30 },
      },
    },
    database: prismaAdapter(getDb(), { provider: env.isPostgres ? "postgresql" : "sqlite" }),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        isPlatformAdmin: { type: "boolean", required: false, defaultValue: false, input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user, context) => {
            await provisionNewUser({ userId: user.id, email: user.email, name: user.name, headers: context?.headers ?? context?.request?.headers });
          },
        },
      },
    },
    hooks: { before: beforeAuthEndpoint, after: afterAuthEndpoint },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof createAuth>;
const globalForAuth = globalThis as unknown as { slipwayAuth?: Auth };

export function getAuth(): Auth {
  globalForAuth.slipwayAuth ??= createAuth();
  return globalForAuth.slipwayAuth;
}
