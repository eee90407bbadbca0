import { parseBody, route } from "@/server/http";
import { createBackupTarget } from "@/server/backups/create-backup-target";
import { listBackupTargets } from "@/server/backups/list-backup-targets";
import { createBackupTargetInput } from "@/server/backups/schemas";

export const GET = route("read", ({ actor }) => listBackupTargets({ actor }));

/** 201 with the target (its secret key is never returned). */
export const POST = route("team:quota", async ({ req, actor }) => {
  const result = await createBackupTarget({ actor, input: await parseBody(req, createBackupTargetInput) });
  return Response.json(result, { status: 201 });
});
