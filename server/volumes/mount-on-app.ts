import "server-only";
// What attaching or detaching does to the app, in the caller's transaction: its replicas are
// replaced, one at a time, by ones that mount the new set (a rolling restart, see
// server/apps/operations/restart-app.ts), and its timeline says so.
import type { Tx } from "../db";
import { recordAppEvent } from "../apps/events/record-app-event";

export interface MountChange {
  teamId: string;
  app: { id: string; liveReleaseId: string | null; stopped: boolean };
  kind: "volume_attached" | "volume_detached";
  message: string;
  who: { id: string; label: string };
}

export async function applyMountChange(tx: Tx, change: MountChange): Promise<void> {
  // A stopped app or one never deployed has no replica to replace: its next replicas start with
  // the new mounts anyway.
  if (change.app.liveReleaseId && !change.app.stopped) {
    await tx.app.update({ where: { id: change.app.id }, data: { restartGeneration: { increment: 1 } } });
  }
  await recordAppEvent(tx, { teamId: change.teamId, appId: change.app.id, kind: change.kind, message: change.message, releaseId: change.app.liveReleaseId, actor: change.who });
}
