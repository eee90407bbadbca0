import "server-only";
// Cancel a queued or running build. The row is finished here, at once (CANCELED, who, when); a
// running build's worker reads its row every second, sees it is no longer its to run, and stops
// the build's processes (run-build.ts records the step and the log line). A canceled build never
// makes a release: the release is created only while the worker still holds the RUNNING lease.
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import type { BuildDto } from "./schemas";
import { buildDtoInclude, toBuildDto } from "./to-build-dto";
import { userLabel } from "../auth/user-label";

export interface CancelBuildOptions {
  actor: Actor;
  buildId: string;
}

export async function cancelBuild({ actor, buildId }: CancelBuildOptions): Promise<BuildDto> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: actor.userId }, select: { name: true, email: true } });
  const who = user ? userLabel(user) : actor.email;
  const build = await db.$transaction(async (tx) => {
    const b = await tx.build.findFirst({ where: { id: buildId, teamId: actor.teamId }, include: { app: { select: { slug: true } } } });
    if (!b) throw notFound("Build");
    const now = new Date();
    // Compare-and-set on the status: a build that finished a moment ago stays as it finished.
    const r = await tx.build.updateMany({
      where: { id: b.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELED", finishedAt: now, canceledById: actor.userId, error: `Canceled by ${who}`, leaseOwner: null, leaseExpiresAt: null },
    });
    if (r.count !== 1) {
      const current = await tx.build.findUniqueOrThrow({ where: { id: b.id }, select: { status: true } });
      throw new AppError("CONFLICT", `Build #${b.number} has already finished (${current.status.toLowerCase()}); only a queued or running build can be canceled.`);
    }
    await recordAudit(tx, { actor, action: "build.cancel", targetType: "build", targetId: b.id, data: { app: b.app.slug, number: b.number, was: b.status } });
    return tx.build.findUniqueOrThrow({ where: { id: b.id }, include: buildDtoInclude });
  });
  return toBuildDto(db, build);
}
