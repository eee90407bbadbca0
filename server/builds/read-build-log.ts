import "server-only";
import { getDb } from "../db";
import { notFound } from "../errors";
import type { Actor } from "../auth/actor";
import type { BuildLogLineDto } from "./schemas";

/** Log lines after a cursor (the last id seen), so a reconnecting stream resumes without gaps. */
export async function readBuildLog({ actor, buildId, after, limit }: { actor: Actor; buildId: string; after: number; limit: number }): Promise<{ lines: BuildLogLineDto[]; finished: boolean }> {
  const db = getDb();
  const build = await db.build.findFirst({ where: { id: buildId, teamId: actor.teamId }, select: { status: true } });
  if (!build) throw notFound("Build");
  const lines = await db.buildLogLine.findMany({ where: { buildId, id: { gt: after } }, orderBy: { id: "asc" }, take: limit });
  return {
    lines: lines.map((l) => ({ id: l.id, step: l.step, stream: l.stream, line: l.line, time: l.createdAt.toISOString() })),
    finished: build.status === "SUCCEEDED" || build.status === "FAILED" || build.status === "CANCELED",
  };
}
