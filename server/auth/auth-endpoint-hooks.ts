import "server-only";
// Slipway's rules around better-auth's own endpoints, in one place: who may sign up
// (sign-up-gate.ts) and how often one may try to sign in (sign-in-throttle.ts).
import { createAuthMiddleware } from "better-auth/api";
import { checkSignUp } from "./sign-up-gate";
import { afterSignInAttempt, beforeSignInAttempt } from "./sign-in-throttle";

export const beforeAuthEndpoint = createAuthMiddleware(async (ctx) => {
  if (ctx.path === "/sign-up/email") await checkSignUp(ctx);
  if (ctx.path === "/sign-in/email") await beforeSignInAttempt(ctx);
});

export const afterAuthEndpoint = createAuthMiddleware(async (ctx) => {
  if (ctx.path === "/sign-in/email") await afterSignInAttempt(ctx);
});

export type AuthEndpointContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];
