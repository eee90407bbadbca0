import type { BuildDto } from "./schemas";

export const buildDtoInclude = { steps: { orderBy: { position: "asc" as const } }, release: { select: { id: true } } };

interface BuildRow {
  id: string;
  appId: string;
  number: number;
  status: string;
  trigger: string;
  gitRef: string;
  commitSha: string | null;
  imageDigest: string | null;
  error: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  steps: { name: string; position: number; status: string; startedAt: Date | null; finishedAt: Date | null; error: string | null }[];
  release: { id: string } | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toBuildDto(b: BuildRow): BuildDto {
  return {
    id: b.id,
    appId: b.appId,
    number: b.number,
    status: b.status,
    trigger: b.trigger,
    gitRef: b.gitRef,
    commitSha: b.commitSha,
    imageDigest: b.imageDigest,
    error: b.error,
    queuedAt: b.queuedAt.toISOString(),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    steps: b.steps.map((s) => ({ name: s.name, position: s.position, status: s.status, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt), error: s.error })),
    releaseId: b.release?.id ?? null,
  };
}
