import type { ProjectDto } from "./schemas";

export function toProjectDto(p: { id: string; slug: string; name: string; runtimeTarget: string; runtimeClass: string; createdAt: Date; _count?: { apps: number } }): ProjectDto {
  return { id: p.id, slug: p.slug, name: p.name, runtimeTarget: p.runtimeTarget, runtimeClass: p.runtimeClass, createdAt: p.createdAt.toISOString(), appCount: p._count?.apps ?? 0 };
}
