import "server-only";
// Who may sign up. While the platform has no users, only the holder of the one-time setup token
// (printed by `npm start`; see setup-token.ts); afterwards the platform admin's sign-up policy:
// "open" (anyone), "invite-only" (only with a pending invitation for that email, sent as the
// x-slipway-invitation-token header by the sign-up page), or "domains" (an email at one of the
// allowed domains, or an invitation). Runs before better-auth creates anything.
import { APIError } from "better-auth/api";
import { getDb } from "../db";
import { findInvitationByToken } from "../invitations/find-invitation-by-token";
import { invitationState } from "../invitations/to-invitation-dto";
import { INVITATION_TOKEN_HEADER } from "../invitations/schemas";
import { getPlatformSettings, toPlatformSettingsDto } from "../settings/get-platform-settings";
import type { AuthEndpointContext } from "./auth-endpoint-hooks";
import { isValidSetupToken, SETUP_TOKEN_HEADER } from "./setup-token";

function refuse(code: string, message: string): APIError {
  return new APIError("FORBIDDEN", { code, message });
}

export async function checkSignUp(ctx: AuthEndpointContext): Promise<void> {
  const body = (ctx.body ?? {}) as { email?: unknown };
  const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
  const headers = ctx.headers ?? ctx.request?.headers;
  const db = getDb();

  if ((await db.user.count()) === 0) {
    const setupToken = headers?.get(SETUP_TOKEN_HEADER);
    if (!setupToken) {
      throw refuse(
        "SETUP_TOKEN_REQUIRED",
        "This Slipway has no admin yet. The first account needs the one-time setup link: run npm start and open the link it printed (First-time setup: …).",
      );
    }
    if (!(await isValidSetupToken(setupToken))) {
      throw refuse(
        "SETUP_TOKEN_INVALID",
        "This setup link is invalid or has expired. Restart npm start and open the new first-time setup link it prints.",
      );
    }
    return;
  }

  const invitationToken = headers?.get(INVITATION_TOKEN_HEADER);
  if (invitationToken) {
    const invitation = await findInvitationByToken(invitationToken);
    const state = invitation ? invitationState(invitation) : null;
    if (!invitation || state !== "pending") {
      throw refuse(
        "INVITATION_INVALID",
        `This invitation link ${state ? `is ${state === "accepted" ? "already used" : state}` : "is not valid"}. Ask the team admin who invited you for a new one.`,
      );
    }
    if (invitation.email.toLowerCase() !== email) {
      throw refuse("INVITATION_EMAIL_MISMATCH", `This invitation is for ${invitation.email}: sign up with that email address to accept it.`);
    }
    return;
  }

  const settings = toPlatformSettingsDto(await getPlatformSettings());
  if (settings.signupPolicy === "open") return;
  if (settings.signupPolicy === "domains") {
    const domain = email.slice(email.lastIndexOf("@") + 1);
    if (email.includes("@") && settings.allowedSignupDomains.includes(domain)) return;
    throw refuse(
      "SIGNUP_DOMAIN_NOT_ALLOWED",
      `Sign-up here is open to addresses at ${settings.allowedSignupDomains.join(", ")}. For another address, ask a team admin for an invitation link.`,
    );
  }
  throw refuse("SIGNUP_INVITE_ONLY", "Sign-up on this Slipway is by invitation only. Ask a team admin for an invitation link and open it to sign up.");
}
