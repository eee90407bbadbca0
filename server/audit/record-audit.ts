import "server-only";
// An append-only trail of who did what: every state change, through the UI, the API, a token or a
// webhook. Never put secrets in `data`.
import type { Db, Tx } from "../db";
import type { Actor } from "../auth/actor";

/** Changes made by Slipway itself on behalf of a team (a webhook delivery, a reconcile). */
export interface SystemActor {
  system: "webhook" | "system";
  label: string;
  teamId: string | null;
}

export interface RecordAuditOptions {
  actor: Actor | SystemActor;
  /** Defaults to the actor's team; null for platform-wide changes (settings, clusters). */
  teamId?: string | null;
  action: string;
  targetType: string;
  targetId: string;
  data?: Record<string, unknown>;
}

function actorColumns(actor: Actor | SystemActor) {
  if ("system" in actor) {
    return { teamId: actor.teamId, actorId: null, actorType: actor.system, actorLabel: actor.label, tokenId: null };
  }
  return {
    teamId: actor.teamId,
    actorId: actor.userId,
    actorType: actor.via,
    actorLabel: actor.via === "token" ? `${actor.email} (token ${actor.tokenName ?? actor.tokenId})` : actor.email,
    tokenId: actor.tokenId ?? null,
  };
}

export async function recordAudit(db: Db | Tx, options: RecordAuditOptions): Promise<void> {
  const columns = actorColumns(options.actor);
  await db.auditEvent.create({
    data: {
      ...columns,
      teamId: options.teamId === undefined ? columns.teamId : options.teamId,
      action: options.action,
      targetType: options.targetType,
      targetId: options.targetId,
      data: JSON.stringify(options.data ?? {}),
    },
  });
}
