import { parseQuery, route } from "@/server/http";
import { listBackups } from "@/server/backups/list-backups";
import { listBackupsQuery } from "@/server/backups/schemas";

export const GET = route("read", ({ req, actor }) => listBackups({ actor, volumeId: parseQuery(req, listBackupsQuery).volumeId }));
