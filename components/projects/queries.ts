import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { ProjectDto } from "@/server/projects/schemas";

export const projectKeys = {
  all: ["projects"] as const,
  one: (id: string) => ["projects", id] as const,
};

export const projectsQuery = () => queryOptions({ queryKey: projectKeys.all, queryFn: () => api<ProjectDto[]>("/api/v1/projects") });
export const projectQuery = (id: string) => queryOptions({ queryKey: projectKeys.one(id), queryFn: () => api<ProjectDto>(`/api/v1/projects/${id}`) });

export const useProjects = () => useQuery(projectsQuery());
export const useProject = (id: string) => useQuery(projectQuery(id));

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { slug: string; name?: string }) => api<ProjectDto>("/api/v1/projects", { method: "POST", body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
