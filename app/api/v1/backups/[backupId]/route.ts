import { route } from "@/server/http";
import { deleteBackup } from "@/server/backups/delete-backup";
import { getBackup } from "@/server/backups/get-backup";

type Params = { backupId: string };

export const GET = route<Params>("read", ({ actor, params }) => getBackup({ actor, backupId: params.backupId }));

export const DELETE = route<Params>("app:deploy", async ({ actor, params }) => {
  await deleteBackup({ actor, backupId: params.backupId });
  return new Response(null, { status: 204 });
});
