import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { getAppOrThrow } from "../apps/get-app";
import type { ReleaseDto, RunAsDto } from "./schemas";
import { describeRunAs, runAsReason } from "../runtime/run-as";

function runAsDto(r: { imageUser: string | null; runAsUid: number | null; runAsGid: number | null }): RunAsDto | null {
  if (r.runAsUid === null) return null;
  const runAs = { uid: r.runAsUid, gid: r.runAsGid, imageUser: r.imageUser ?? "" };
  return { ...runAs, reason: runAsReason(runAs), summary: describeRunAs(runAs) };
}

export async function listReleases({ actor, appId }: { actor: Actor; appId: string }): Promise<ReleaseDto[]> {
  await getAppOrThrow({ actor, appId });
  const releases = await getDb().release.findMany({ where: { appId, teamId: actor.teamId }, orderBy: { version: "desc" }, take: 50 });
  return releases.map((r) => {
    const snapshot = JSON.parse(r.configSnapshot) as { replicas: number; cpuMillicores: number; memoryMib: number };
    return {
      id: r.id,
      version: r.version,
      buildId: r.buildId,
      imageRef: r.imageRef,
      imageDigest: r.imageDigest,
      status: r.status,
      statusReason: r.statusReason,
      createdAt: r.createdAt.toISOString(),
      liveAt: r.liveAt?.toISOString() ?? null,
      replicas: snapshot.replicas,
      cpuMillicores: snapshot.cpuMillicores,
      memoryMib: snapshot.memoryMib,
      rolloutStartedAt: r.rolloutStartedAt?.toISOString() ?? null,
      restartCount: r.restartCount,
      lastExitCode: r.lastExitCode,
      lastExitAt: r.lastExitAt?.toISOString() ?? null,
      lastExitOomKilled: r.lastExitOomKilled,
      lastLogLines: r.lastLogLines ? r.lastLogLines.split("\n") : [],
      runAs: runAsDto(r),
    };
  });
}
