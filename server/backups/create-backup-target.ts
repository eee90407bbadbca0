import "server-only";
// A team's S3-compatible backup target. The secret key is sealed (server/crypto/secret-box) and
// never returned or logged; the endpoint must be https (http only on loopback, e.g. a server on
// the same machine) and is checked against the address policy unless the platform admin allows
// private backup endpoints (a MinIO on the LAN).
import { isIP } from "node:net";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { seal } from "../crypto/secret-box";
import { checkBackupEndpoint, TargetRefused } from "../daemon/backups/store-for-target";
import type { BackupTargetDto } from "../volumes/schemas";
import { createBackupTargetInput, type CreateBackupTargetInput } from "./schemas";
import { toBackupTargetDto } from "./to-backup-dto";

const invalid = (path: string, message: string) => new AppError("VALIDATION", message, { fields: [{ path, message }] });

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1";
}

/** The endpoint as stored: scheme, host and port only. */
function normalizeEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("endpoint", "must be a URL such as https://s3.example.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("endpoint", "must start with https://");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) throw invalid("endpoint", "must use https:// (plain http only for a server on this machine's loopback)");
  if (url.username || url.password) throw invalid("endpoint", "must not carry credentials: give accessKeyId and secretAccessKey");
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) throw invalid("endpoint", "must be the server's address only (no path or query): the bucket and prefix are fields of their own");
  return url.origin;
}

export async function createBackupTarget({ actor, input }: { actor: Actor; input: CreateBackupTargetInput }): Promise<{ target: BackupTargetDto }> {
  const data = createBackupTargetInput.parse(input);
  const endpoint = normalizeEndpoint(data.endpoint);
  const db = getDb();
  try {
    await checkBackupEndpoint(db, endpoint);
  } catch (e) {
    if (e instanceof TargetRefused) throw invalid("endpoint", `is not allowed: ${e.message}`);
    throw e;
  }
  const target = await db
    .$transaction(async (tx) => {
      const row = await tx.backupTarget.create({
        data: {
          teamId: actor.teamId,
          name: data.name,
          endpoint,
          region: data.region,
          bucket: data.bucket,
          prefix: data.prefix,
          accessKeyId: data.accessKeyId,
          secretAccessKeyEncrypted: seal(data.secretAccessKey),
          forcePathStyle: data.forcePathStyle,
        },
      });
      await recordAudit(tx, { actor, action: "backup_target.create", targetType: "backup_target", targetId: row.id, data: { name: row.name, endpoint, bucket: row.bucket, prefix: row.prefix } });
      return row;
    })
    .catch((e: unknown) => {
      if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `The team already has a backup target named ${data.name}.`, { fields: [{ path: "name", message: "is taken" }] });
      throw e;
    });
  return { target: toBackupTargetDto(target) };
}
