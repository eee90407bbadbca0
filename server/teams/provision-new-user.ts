import "server-only";
// Runs once per sign-up: the first user of the platform becomes platform admin and owner of the
// "default" team; every later user gets a personal team they own (and can be added to others).
import { getDb } from "../db";
import { slugify } from "../slugs";
import { createTeamQuota } from "../quotas/create-team-quota";

export interface ProvisionNewUserOptions {
  userId: string;
  email: string;
  name: string;
}

async function freeTeamSlug(base: string): Promise<string> {
  const db = getDb();
  for (let i = 0; i < 50; i++) {
    const candidate = i === 0 ? base : `${base.slice(0, 36)}-${i + 1}`;
    if (!(await db.team.findUnique({ where: { slug: candidate } }))) return candidate;
  }
  return `${base.slice(0, 30)}-${Date.now().toString(36)}`;
}

export async function provisionNewUser(options: ProvisionNewUserOptions): Promise<void> {
  const db = getDb();
  const isFirstUser = (await db.user.count()) === 1;
  const slug = isFirstUser ? "default" : await freeTeamSlug(slugify(options.email.split("@")[0] ?? options.name));
  await db.$transaction(async (tx) => {
    if (isFirstUser) await tx.user.update({ where: { id: options.userId }, data: { isPlatformAdmin: true } });
    const existing = await tx.team.findUnique({ where: { slug } });
    let team = existing;
    if (!team) {
      team = await tx.team.create({ data: { slug, name: isFirstUser ? "Default" : `${options.name || slug}'s team` } });
      await createTeamQuota(tx, team.id);
    }
    await tx.membership.create({ data: { teamId: team.id, userId: options.userId, role: "OWNER" } });
  });
}
