import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { appKeys } from "@/components/apps/queries";
import type { CreateProjectInput, ProjectDto, UpdateProjectInput, UpdateProjectResult } from "@/server/projects/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

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
    mutationFn: (input: CreateProjectInput) => api<ProjectDto>("/api/v1/projects", { method: "POST", body: input }),
    onSuccess: () => refreshQueries(qc, { queryKey: projectKeys.all }),
  });
}

export function useUpdateProject(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateProjectInput) => api<UpdateProjectResult>(`/api/v1/projects/${id}`, { method: "PATCH", body: input }),
    onSuccess: ({ warning: _warning, ...project }) => {
      qc.setQueryData(projectKeys.one(id), project);
      // Apps copy the project's target.
      return refreshQueries(qc, { queryKey: projectKeys.all, exact: true }, { queryKey: appKeys.list(id) });
    },
  });
}
