import { parseBody, route } from "@/server/http";
import { restoreBackup } from "@/server/backups/restore-backup";
import { restoreBackupInput } from "@/server/backups/schemas";

type Params = { backupId: string };

/** 202 with the queued restore: watch it at /api/v1/restores/<id>. */
export const POST = route<Params>("app:deploy", async ({ req, actor, params }) => {
  const result = await restoreBackup({ actor, backupId: params.backupId, input: await parseBody(req, restoreBackupInput) });
  return Response.json(result, { status: 202 });
});
