// Creates an immutable Release for an app and makes it the app's target, in one transaction:
// the reconciler never sees a target without its release row, or a release nobody targets.
import "server-only";
import { z } from "zod";
import { getDb, type Db, type Tx } from "../db";
import { notFound } from "../errors";
import type { Release } from "../generated/sqlite/client";
import { recordAudit } from "../audit/record-audit";
import { userLabel } from "../auth/user-label";
import { recordAppEvent } from "../apps/events/record-app-event";
import type { RunAs } from "../runtime/run-as";

export const configSnapshotSchema = z.object({
  containerPort: z.number().int(),
  healthCheckPath: z.string(),
  cpuMillicores: z.number().int(),
  memoryMib: z.number().int(),
  replicas: z.number().int(),
  envEncrypted: z.string(),
});
export type ConfigSnapshot = z.infer<typeof configSnapshotSchema>;

/** What a release freezes of its app's settings. */
export function configSnapshotOf(app: ConfigSnapshot): ConfigSnapshot {
  const { containerPort, healthCheckPath, cpuMillicores, memoryMib, replicas, envEncrypted } = app;
  return { containerPort, healthCheckPath, cpuMillicores, memoryMib, replicas, envEncrypted };
}

export interface CreateReleaseOptions {
  appId: string;
  imageRef: string;
  imageDigest: string;
  /** whom the image runs as (server/runtime/run-as.ts), decided when it was built */
  runAs: RunAs;
  /** The build that produced the image; at most one release per build (retries are idempotent). */
  buildId?: string;
  db?: Db;
  /** Runs inside the same transaction, e.g. to mark the build SUCCEEDED atomically with it. */
  alsoInTransaction?: (tx: Tx, release: Release) => Promise<void>;
}

const MAX_VERSION_RACE_RETRIES = 3;

/**
 * The timeline's line for a new release: "deploying v8 (build #12 by Ada)". The person is the
 * build's (who pressed deploy or re-sent a delivery); a push names its commit and author instead.
 */
async function deployStarted(tx: Tx, version: number, buildId: string | undefined): Promise<{ message: string; actor: { id: string; label: string } | null }> {
  const build = buildId ? await tx.build.findUnique({ where: { id: buildId }, select: { number: true, createdById: true, commitSha: true, commitAuthor: true } }) : null;
  if (!build) return { message: `deploying v${version}`, actor: null };
  const user = build.createdById ? await tx.user.findUnique({ where: { id: build.createdById }, select: { id: true, name: true, email: true } }) : null;
  if (user) return { message: `deploying v${version} (build #${build.number} by ${userLabel(user)})`, actor: { id: user.id, label: userLabel(user) } };
  const commit = build.commitSha ? `, push of ${build.commitSha.slice(0, 7)}${build.commitAuthor ? ` by ${build.commitAuthor}` : ""}` : "";
  return { message: `deploying v${version} (build #${build.number}${commit})`, actor: null };
}

export async function createRelease(options: CreateReleaseOptions): Promise<Release> {
  const db = options.db ?? getDb();
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        if (options.buildId) {
          const existing = await tx.release.findUnique({ where: { buildId: options.buildId } });
          if (existing) {
            await options.alsoInTransaction?.(tx, existing);
            return existing;
          }
        }
        const app = await tx.app.findUnique({ where: { id: options.appId } });
        if (!app) throw notFound("App");
        const max = await tx.release.aggregate({ where: { appId: app.id }, _max: { version: true } });
        const snapshot = configSnapshotOf(app);
        const release = await tx.release.create({
          data: {
            teamId: app.teamId,
            appId: app.id,
            version: (max._max.version ?? 0) + 1,
            buildId: options.buildId ?? null,
            imageRef: options.imageRef,
            imageDigest: options.imageDigest,
            imageUser: options.runAs.imageUser,
            runAsUid: options.runAs.uid,
            runAsGid: options.runAs.gid,
            configSnapshot: JSON.stringify(snapshot),
            // Per-replica size as columns: quota usage sums them in one SQL aggregate.
            cpuMillicores: snapshot.cpuMillicores,
            memoryMib: snapshot.memoryMib,
            status: "PENDING",
          },
        });
        await tx.app.update({ where: { id: app.id }, data: { targetReleaseId: release.id } });
        // The deploy that asked for it is audited with its person; this records what the build made.
        await recordAudit(tx, {
          actor: { system: "system", label: "slipwayd (build)", teamId: app.teamId },
          action: "release.create",
          targetType: "release",
          targetId: release.id,
          data: { app: app.slug, version: release.version, buildId: options.buildId ?? null, imageDigest: options.imageDigest },
        });
        await recordAppEvent(tx, { teamId: app.teamId, appId: app.id, kind: "deploy_started", releaseId: release.id, ...(await deployStarted(tx, release.version, options.buildId)) });
        await options.alsoInTransaction?.(tx, release);
        return release;
      });
    } catch (e) {
      // Two releases racing for the same version number: the loser retries with the next one.
      const code = (e as { code?: string }).code;
      if (code === "P2002" && attempt < MAX_VERSION_RACE_RETRIES) continue;
      throw e;
    }
  }
}
