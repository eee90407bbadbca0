import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { ClusterDto, RegisterClusterInput, UpdateClusterInput } from "@/server/clusters/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

export const clusterKeys = {
  all: ["clusters"] as const,
};

export const clustersQuery = () => queryOptions({ queryKey: clusterKeys.all, queryFn: () => api<ClusterDto[]>("/api/v1/clusters") });

export const useClusters = () => useQuery(clustersQuery());

function useReplaceInList() {
  const qc = useQueryClient();
  return (cluster: ClusterDto) => qc.setQueryData<ClusterDto[]>(clusterKeys.all, (list) => list?.map((c) => (c.id === cluster.id ? cluster : c)));
}

export function useRegisterCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: RegisterClusterInput) => api<ClusterDto>("/api/v1/clusters", { method: "POST", body: input }),
    onSuccess: () => refreshQueries(qc, { queryKey: clusterKeys.all }),
  });
}

export function useCheckCluster() {
  const replace = useReplaceInList();
  return useMutation({
    mutationFn: (id: string) => api<ClusterDto>(`/api/v1/clusters/${id}/check`, { method: "POST" }),
    onSuccess: replace,
  });
}

export function useUpdateCluster() {
  const replace = useReplaceInList();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: UpdateClusterInput }) => api<ClusterDto>(`/api/v1/clusters/${id}`, { method: "PATCH", body: input }),
    onSuccess: replace,
  });
}

export function useDeleteCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/clusters/${id}`, { method: "DELETE" }),
    onSuccess: () => refreshQueries(qc, { queryKey: clusterKeys.all }),
  });
}
