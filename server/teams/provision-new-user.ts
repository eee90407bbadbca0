import "server-only";
// Runs once per sign-up, after the sign-up gate let it through, and decides what the new user gets:
// - with the setup token (a platform without users): platform admin and owner of team "default";
// - with an invitation for their email: membership of that team, with the invited role;
// - otherwise (sign-up policy "open" or an allowed domain): a team of their own, which they own.
// The setup token and the invitation are consumed here, in the same transaction as the membership,
// so each works once even when two sign-ups race past the gate with the same one.
import { getDb, type Tx } from "../db";
import { isAppError } from "../errors";
import { logger } from "../logger";
import { slugify } from "../slugs";
import { createTeamQuota } from "../quotas/create-team-quota";
import { recordAudit } from "../audit/record-audit";
import { consumeSetupToken, SETUP_TOKEN_HEADER } from "../auth/setup-token";
import { claimInvitation } from "../invitations/claim-invitation";
import { INVITATION_TOKEN_HEADER } from "../invitations/schemas";
import { toPlatformSettingsDto } from "../settings/get-platform-settings";

export interface ProvisionNewUserOptions {
  userId: string;
  email: string;
  name: string;
  /** The sign-up request's headers (setup token, invitation token); absent when not from a request. */
  headers?: Headers | null;
}

async function freeTeamSlug(tx: Tx, base: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const candidate = i === 0 ? base : `${base.slice(0, 36)}-${i + 1}`;
    if (!(await tx.team.findUnique({ where: { slug: candidate } }))) return candidate;
  }
  return `${base.slice(0, 30)}-${Date.now().toString(36)}`;
}

async function ownTeam(tx: Tx, options: ProvisionNewUserOptions, slug: string, name: string) {
  let team = await tx.team.findUnique({ where: { slug } });
  if (!team) {
    team = await tx.team.create({ data: { slug, name } });
    await createTeamQuota(tx, team.id);
  }
  await tx.membership.create({ data: { teamId: team.id, userId: options.userId, role: "OWNER" } });
  return team;
}

export async function provisionNewUser(options: ProvisionNewUserOptions): Promise<void> {
  const db = getDb();
  const setupToken = options.headers?.get(SETUP_TOKEN_HEADER);
  const invitationToken = options.headers?.get(INVITATION_TOKEN_HEADER);
  await db.$transaction(async (tx) => {
    if (setupToken && (await consumeSetupToken(tx, setupToken))) {
      await tx.user.update({ where: { id: options.userId }, data: { isPlatformAdmin: true } });
      const team = await ownTeam(tx, options, "default", "Default");
      await recordAudit(tx, {
        actor: { userId: options.userId, email: options.email, isPlatformAdmin: true, teamId: team.id, teamSlug: team.slug, role: "OWNER", via: "session" },
        teamId: null,
        action: "platform.first-admin",
        targetType: "user",
        targetId: options.userId,
        data: { email: options.email, via: "setup token" },
      });
      return;
    }
    if (invitationToken) {
      try {
        await claimInvitation(tx, { token: invitationToken, user: { userId: options.userId, email: options.email, isPlatformAdmin: false } });
        return;
      } catch (error) {
        // The gate checked the invitation a moment ago; it can only have been used or revoked
        // since. The account exists by now, so it falls through to what the policy gives.
        if (!isAppError(error)) throw error;
        logger.warn({ userId: options.userId, err: error.message }, "invitation no longer valid at sign-up");
      }
    }
    const settings = await tx.platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
    const policy = toPlatformSettingsDto(settings).signupPolicy;
    // Invite-only: someone whose invitation vanished mid-sign-up gets no team (they can accept a new one).
    if (policy === "invite-only") return;
    const slug = await freeTeamSlug(tx, slugify(options.email.split("@")[0] ?? options.name));
    await ownTeam(tx, options, slug, `${options.name || slug}'s team`);
  });
}
