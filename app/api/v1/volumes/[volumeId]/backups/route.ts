import { parseBody, route } from "@/server/http";
import { listBackups } from "@/server/backups/list-backups";
import { queueBackup } from "@/server/backups/queue-backup";
import { queueBackupInput } from "@/server/backups/schemas";

type Params = { volumeId: string };

export const GET = route<Params>("read", ({ actor, params }) => listBackups({ actor, volumeId: params.volumeId }));

/** 202 with the queued backup: watch it at /api/v1/backups/<id>. */
export const POST = route<Params>("app:deploy", async ({ req, actor, params }) => {
  const result = await queueBackup({ actor, volumeId: params.volumeId, input: await parseBody(req, queueBackupInput) });
  return Response.json(result, { status: 202 });
});
