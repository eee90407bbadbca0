import "server-only";
// Who may sign up: the platform's sign-up policy and the first-admin setup token.
// (Being written: see issue 6, items 3 and 4.)
import type { AuthEndpointContext } from "./auth-endpoint-hooks";

export async function checkSignUp(_ctx: AuthEndpointContext): Promise<void> {
  // Replaced by the sign-up policy work; until then every sign-up passes, as before.
}
