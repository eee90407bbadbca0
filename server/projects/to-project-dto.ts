import { runtimeTargetOf } from "../runtime/runtime-target";
import type { ProjectDto } from "./schemas";

/** What every project query includes for its DTO. */
export const projectDtoInclude = { _count: { select: { apps: true } }, cluster: { select: { name: true } } } as const;

export function toProjectDto(p: { id: string; slug: string; name: string; cluster: { name: string } | null; runtimeClass: string; createdAt: Date; _count?: { apps: number } }): ProjectDto {
  return { id: p.id, slug: p.slug, name: p.name, runtimeTarget: runtimeTargetOf(p.cluster), runtimeClass: p.runtimeClass, createdAt: p.createdAt.toISOString(), appCount: p._count?.apps ?? 0 };
}
