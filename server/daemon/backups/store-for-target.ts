// The store an archive goes to or comes from: the local directory (target null) or the team's S3
// target, whose endpoint is checked against the address policy each time it is used (a name that
// resolved to a public address when the target was saved may point inward now).
import type { Db, Tx } from "../../db";
import { open } from "../../crypto/secret-box";
import { HostRefused, resolveAndCheck } from "../../net/resolve-and-check";
import type { BackupStore } from "./backup-store";
import { LocalBackupStore } from "./local-store";
import { S3BackupStore } from "./s3-store";

export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefused";
  }
}

export async function checkBackupEndpoint(db: Db | Tx, endpoint: string): Promise<void> {
  const settings = await db.platformSettings.findUnique({ where: { id: "platform" }, select: { allowPrivateBackupEndpoints: true } });
  try {
    await resolveAndCheck({ host: new URL(endpoint).hostname, allowPrivate: settings?.allowPrivateBackupEndpoints ?? false });
  } catch (e) {
    if (e instanceof HostRefused) throw new TargetRefused(e.message);
    throw new TargetRefused(`the endpoint ${endpoint} could not be resolved: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The store for a backup row's targetId (null: the local backup directory). */
export async function storeForTarget(db: Db | Tx, targetId: string | null): Promise<BackupStore> {
  if (!targetId) return new LocalBackupStore();
  const t = await db.backupTarget.findUnique({ where: { id: targetId } });
  if (!t) throw new TargetRefused(`backup target ${targetId} no longer exists`);
  await checkBackupEndpoint(db, t.endpoint);
  return new S3BackupStore({
    name: t.name,
    endpoint: t.endpoint,
    region: t.region,
    bucket: t.bucket,
    prefix: t.prefix,
    accessKeyId: t.accessKeyId,
    secretAccessKey: open(t.secretAccessKeyEncrypted),
    forcePathStyle: t.forcePathStyle,
  });
}
