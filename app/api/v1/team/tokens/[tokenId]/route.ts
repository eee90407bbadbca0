import { route } from "@/server/http";
import { revokeApiToken } from "@/server/auth/api-tokens/revoke-api-token";

export const DELETE = route<{ tokenId: string }>("self", ({ actor, params }) => revokeApiToken({ actor, tokenId: params.tokenId }));
