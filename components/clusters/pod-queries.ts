import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { ManagedPodPage } from "@/server/clusters/pod-schemas";
import { DEFAULT_POD_PAGE_SIZE } from "@/server/clusters/constants";
import { clusterKeys } from "./queries";

export const clusterPodKeys = {
  pods: (clusterId: string) => [...clusterKeys.all, clusterId, "pods"] as const,
};

/** Pages of the pods the actor may see on one cluster, chained by the API server's continue token. */
export const clusterPodsQuery = (clusterId: string) =>
  infiniteQueryOptions({
    queryKey: clusterPodKeys.pods(clusterId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const qs = new URLSearchParams({ limit: String(DEFAULT_POD_PAGE_SIZE) });
      if (pageParam) qs.set("continue", pageParam);
      return api<ManagedPodPage>(`/api/v1/clusters/${clusterId}/pods?${qs}`);
    },
    getNextPageParam: (last) => last.continueToken,
    // A list of thousands of pods is refreshed on demand, not on every window focus.
    refetchOnWindowFocus: false,
    staleTime: 30_000,
  });

export const useClusterPods = (clusterId: string) => useInfiniteQuery(clusterPodsQuery(clusterId));
