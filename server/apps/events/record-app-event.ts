// An app's timeline: what happened to it, in words a person reads on the app page ("deployed v7",
// "scaled to 3", "v8 crashed: exit 3", "rolled back to v7"). Written next to the change it tells of
// (in the same transaction where there is one); the audit log stays the record of who may have done
// what, this is the story of the app.
import type { Db, Tx } from "../../db";

export const APP_EVENT_KINDS = [
  "deploy_started",
  "deployed",
  "deploy_failed",
  "rolled_back",
  "auto_rolled_back",
  "crashed",
  "recovered",
  "restarted",
  "restart_failed",
  "stopped",
  "started",
  "scaled",
  "domain_added",
  "domain_verified",
  "domain_removed",
  "volume_attached",
  "volume_detached",
  "volume_restored",
  "volume_restore_failed",
] as const;
export type AppEventKind = (typeof APP_EVENT_KINDS)[number];

export interface AppEventInput {
  teamId: string;
  appId: string;
  kind: AppEventKind;
  message: string;
  releaseId?: string | null;
  /** the person who did it; omitted when the platform did (a push, the runtime) */
  actor?: { id: string; label: string } | null;
}

export async function recordAppEvent(db: Db | Tx, e: AppEventInput): Promise<void> {
  await db.appEvent.create({
    data: {
      teamId: e.teamId,
      appId: e.appId,
      kind: e.kind,
      message: e.message.slice(0, 1000),
      releaseId: e.releaseId ?? null,
      actorId: e.actor?.id ?? null,
      actorLabel: e.actor?.label ?? null,
    },
  });
}
