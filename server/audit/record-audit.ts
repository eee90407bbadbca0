import "server-only";
// An append-only trail of who did what in a team. Never put secrets in `data`.
import type { Db, Tx } from "../db";
import type { Actor } from "../auth/actor";

export interface RecordAuditOptions {
  actor: Pick<Actor, "userId" | "teamId">;
  action: string;
  targetType: string;
  targetId: string;
  data?: Record<string, unknown>;
}

export async function recordAudit(db: Db | Tx, options: RecordAuditOptions): Promise<void> {
  await db.auditEvent.create({
    data: {
      teamId: options.actor.teamId,
      actorId: options.actor.userId,
      action: options.action,
      targetType: options.targetType,
      targetId: options.targetId,
      data: JSON.stringify(options.data ?? {}),
    },
  });
}
