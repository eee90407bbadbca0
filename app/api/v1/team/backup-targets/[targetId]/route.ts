import { route } from "@/server/http";
import { deleteBackupTarget } from "@/server/backups/delete-backup-target";

type Params = { targetId: string };

export const DELETE = route<Params>("team:quota", async ({ actor, params }) => {
  await deleteBackupTarget({ actor, targetId: params.targetId });
  return new Response(null, { status: 204 });
});
