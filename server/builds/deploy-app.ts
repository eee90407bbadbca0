import "server-only";
// A deploy is a build request: validate, check the quota, write a QUEUED build and answer at once.
// slipwayd's workers claim it; the release and the rollout follow from there.
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { getAppOrThrow } from "../apps/get-app";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import type { BuildDto, BuildTrigger } from "./schemas";
import { buildDtoInclude, toBuildDto } from "./to-build-dto";

export interface DeployAppOptions {
  actor: Actor;
  appId: string;
  trigger?: BuildTrigger;
}

export async function deployApp({ actor, appId, trigger = "manual" }: DeployAppOptions): Promise<BuildDto> {
  const app = await getAppOrThrow({ actor, appId });
  const db = getDb();
  const build = await db.$transaction(async (tx) => {
    await assertWithinQuota(tx, { teamId: actor.teamId, action: `Deploying ${app.slug}`, app: { id: app.id, change: { kind: "deploy" } } });
    // A deploy while one is still queued for the same app is the same deploy.
    const queued = await tx.build.findFirst({ where: { appId: app.id, status: "QUEUED" }, include: buildDtoInclude, orderBy: { number: "desc" } });
    if (queued) return queued;
    const max = await tx.build.aggregate({ where: { appId: app.id }, _max: { number: true } });
    const created = await tx.build.create({
      data: { teamId: actor.teamId, appId: app.id, number: (max._max.number ?? 0) + 1, gitRef: app.gitBranch, trigger, createdById: actor.userId },
      include: buildDtoInclude,
    });
    await recordAudit(tx, { actor, action: "app.deploy", targetType: "build", targetId: created.id, data: { app: app.slug, number: created.number } });
    return created;
  }).catch((e: unknown) => {
    if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", "Another deploy of this app was requested at the same moment; try again.");
    throw e;
  });
  // Wake slipwayd (it builds for every target, and rolls cluster apps out too) so the build starts
  // now rather than at its next poll; it polls anyway.
  await nudgeSlipwayd(`deploy of app ${app.id}`);
  return toBuildDto(db, build);
}
