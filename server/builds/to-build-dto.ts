import type { Db, Tx } from "../db";
import type { BuildDto, BuildTrigger } from "./schemas";
import { userLabel } from "../auth/user-label";

export const buildDtoInclude = {
  steps: { orderBy: { position: "asc" as const } },
  release: { select: { id: true } },
  deliveries: { orderBy: { receivedAt: "desc" as const }, take: 1, select: { deliveryId: true } },
};

interface BuildRow {
  id: string;
  appId: string;
  number: number;
  status: string;
  trigger: string;
  gitRef: string;
  commitSha: string | null;
  commitMessage: string | null;
  commitAuthor: string | null;
  imageDigest: string | null;
  error: string | null;
  createdById: string | null;
  canceledById: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  steps: { name: string; position: number; status: string; startedAt: Date | null; finishedAt: Date | null; error: string | null }[];
  release: { id: string } | null;
  deliveries: { deliveryId: string }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const TRIGGERS: readonly string[] = ["manual", "push", "redeliver"] satisfies BuildTrigger[];

/** Build rows as DTOs; the names of who triggered and who canceled come from one user query. */
export async function toBuildDtos(db: Db | Tx, rows: BuildRow[], now = new Date()): Promise<BuildDto[]> {
  const ids = [...new Set(rows.flatMap((b) => [b.createdById, b.canceledById]).filter((id): id is string => Boolean(id)))];
  const users = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } }) : [];
  const names = new Map(users.map((u) => [u.id, userLabel(u)]));
  const person = (id: string | null) => (id && names.has(id) ? { name: names.get(id)! } : null);
  return rows.map((b) => ({
    id: b.id,
    appId: b.appId,
    number: b.number,
    status: b.status,
    // "webhook" was written by an earlier version for pushes.
    trigger: (TRIGGERS.includes(b.trigger) ? b.trigger : b.trigger === "webhook" ? "push" : "manual") as BuildTrigger,
    triggeredBy: b.trigger === "push" ? null : person(b.createdById),
    commitMessage: b.commitMessage,
    commitAuthor: b.commitAuthor,
    deliveryId: b.deliveries[0]?.deliveryId ?? null,
    durationMs: b.startedAt ? Math.max(0, (b.finishedAt ?? now).getTime() - b.startedAt.getTime()) : null,
    canceledBy: person(b.canceledById),
    gitRef: b.gitRef,
    commitSha: b.commitSha,
    imageDigest: b.imageDigest,
    error: b.error,
    queuedAt: b.queuedAt.toISOString(),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    steps: b.steps.map((s) => ({ name: s.name, position: s.position, status: s.status, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt), error: s.error })),
    releaseId: b.release?.id ?? null,
  }));
}

export async function toBuildDto(db: Db | Tx, row: BuildRow): Promise<BuildDto> {
  return (await toBuildDtos(db, [row]))[0]!;
}
