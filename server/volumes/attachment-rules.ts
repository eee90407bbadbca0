import "server-only";
// The rules of attaching a volume to an app, in one place: the attach and create services and the
// scale path (update-app.ts) call them inside their transactions.
import type { Tx } from "../db";
import { AppError } from "../errors";

/**
 * A cluster volume is a ReadWriteOnce PersistentVolumeClaim: one node mounts it. Replicas spread
 * over nodes would fail to start, and two processes writing one filesystem they each think is
 * theirs corrupt it, so an app with a cluster volume runs one replica.
 */
export function singleReplicaMessage(appSlug: string, volumeNames: string[], replicas: number): string {
  const which = volumeNames.length === 1 ? `the volume ${volumeNames[0]}` : `the volumes ${volumeNames.join(", ")}`;
  return (
    `${appSlug} would run ${replicas} replicas with ${which} attached, but on a Kubernetes cluster a volume is ReadWriteOnce: ` +
    `only one node can mount it, and replicas would write one filesystem at once. Scale ${appSlug} to 1 replica, ` +
    `or keep its state in a database service and detach the volume, then scale out.`
  );
}

/** Refuses more than one replica for an app on a cluster with volumes attached. */
export async function assertReplicasFitVolumes(tx: Tx, app: { id: string; slug: string; onCluster: boolean }, replicas: number): Promise<void> {
  if (!app.onCluster || replicas <= 1) return;
  const volumes = await tx.volume.findMany({ where: { appId: app.id }, select: { name: true }, orderBy: { name: "asc" } });
  if (volumes.length === 0) return;
  throw new AppError("VALIDATION", singleReplicaMessage(app.slug, volumes.map((v) => v.name), replicas), {
    fields: [{ path: "replicas", message: "an app with a cluster volume runs 1 replica" }],
  });
}

const pathConflict = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

interface AttachTarget {
  volume: { id: string; name: string; projectId: string; appId: string | null; deleteRequestedAt: Date | null };
  app: { id: string; slug: string; projectId: string; replicas: number; onCluster: boolean };
  mountPath: string;
}

/** Every reason an attach may not happen; reads inside the caller's transaction. */
export async function assertAttachable(tx: Tx, { volume, app, mountPath }: AttachTarget): Promise<void> {
  if (volume.deleteRequestedAt) throw new AppError("CONFLICT", `The volume ${volume.name} is being deleted.`);
  if (app.projectId !== volume.projectId) {
    throw new AppError("VALIDATION", `The volume ${volume.name} belongs to another project than ${app.slug}: a volume lives where its project runs, so it attaches only to apps of its own project.`, {
      fields: [{ path: "appId", message: "must be an app of the volume's project" }],
    });
  }
  if (volume.appId && volume.appId !== app.id) {
    const other = await tx.app.findUnique({ where: { id: volume.appId }, select: { slug: true } });
    throw new AppError("CONFLICT", `The volume ${volume.name} is attached to ${other?.slug ?? "another app"}; detach it there first.`);
  }
  const others = await tx.volume.findMany({ where: { appId: app.id, id: { not: volume.id } }, select: { name: true, mountPath: true } });
  const clash = others.find((o) => pathConflict(o.mountPath, mountPath));
  if (clash) {
    throw new AppError("CONFLICT", `${app.slug} already mounts the volume ${clash.name} at ${clash.mountPath}, which overlaps ${mountPath}; choose another path.`, {
      details: { field: "mountPath" },
    });
  }
  const busy = await tx.volumeRestore.findFirst({ where: { volumeId: volume.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
  if (busy) throw new AppError("CONFLICT", `The volume ${volume.name} is being restored; attach it when the restore has finished.`);
  if (app.onCluster && app.replicas > 1) {
    throw new AppError("VALIDATION", singleReplicaMessage(app.slug, [...others.map((o) => o.name), volume.name], app.replicas), {
      fields: [{ path: "appId", message: "the app runs more than 1 replica on a cluster" }],
    });
  }
}
