import "server-only";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { canAssignRole } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { addMemberInput, type AddMemberInput } from "./schemas";

/** Adds an existing user to the actor's team, or changes their role there. */
export async function addMember({ actor, input }: { actor: Actor; input: AddMemberInput }) {
  const data = addMemberInput.parse(input);
  if (!canAssignRole(actor.role, data.role)) {
    throw new AppError("FORBIDDEN", `A ${actor.role.toLowerCase()} cannot grant the ${data.role.toLowerCase()} role.`);
  }
  const db = getDb();
  const user = await db.user.findUnique({ where: { email: data.email.toLowerCase() } });
  if (!user) throw new AppError("VALIDATION", `No user has signed up with ${data.email}. Ask them to sign up first.`, { fields: [{ path: "email", message: "no such user" }] });
  const membership = await db.membership.upsert({
    where: { teamId_userId: { teamId: actor.teamId, userId: user.id } },
    create: { teamId: actor.teamId, userId: user.id, role: data.role },
    update: { role: data.role },
  });
  await recordAudit(db, { actor, action: "team.member.set", targetType: "user", targetId: user.id, data: { role: data.role } });
  return { userId: user.id, email: user.email, name: user.name, role: membership.role };
}
