import "server-only";
import { getDb } from "../db";
import type { SignedInUser } from "../auth/resolve-actor";
import { claimInvitation } from "./claim-invitation";

export interface AcceptInvitationOptions {
  user: SignedInUser;
  token: string;
}

/** The signed-in invitee joins the team with the invited role (their email must be the invited one). */
export async function acceptInvitation({ user, token }: AcceptInvitationOptions) {
  return getDb().$transaction((tx) => claimInvitation(tx, { token, user }));
}
