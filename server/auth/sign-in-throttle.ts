import "server-only";
// Sign-in throttling per account and per client address, stored in the database.
// (Being written: see issue 6, item 6.)
import type { AuthEndpointContext } from "./auth-endpoint-hooks";

export async function beforeSignInAttempt(_ctx: AuthEndpointContext): Promise<void> {
  // Replaced by the throttling work; until then nothing is throttled, as before.
}

export async function afterSignInAttempt(_ctx: AuthEndpointContext): Promise<void> {
  // Replaced by the throttling work.
}
