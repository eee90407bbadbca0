import { parseBody, route } from "@/server/http";
import { createApiToken } from "@/server/auth/api-tokens/create-api-token";
import { listApiTokens } from "@/server/auth/api-tokens/list-api-tokens";
import { createApiTokenInput } from "@/server/auth/api-tokens/schemas";

export const GET = route("self", ({ actor }) => listApiTokens({ actor }));

// Session only: a leaked token must not mint more tokens (the service refuses too).
export const POST = route("self", async ({ req, actor }) => createApiToken({ actor, input: await parseBody(req, createApiTokenInput) }), { sessionOnly: true });
