import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { appKeys } from "@/components/apps/queries";
import type { BuildDto } from "@/server/builds/schemas";
import { refreshQueries } from "@/components/providers/refresh-queries";

/** Cancel a queued or running build; the app's build list refreshes with the answer. */
export function useCancelBuild(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (buildId: string) => api<BuildDto>(`/api/v1/builds/${buildId}/cancel`, { method: "POST" }),
    onSettled: () => refreshQueries(qc, { queryKey: appKeys.builds(appId) }),
  });
}

/** One older page of an app's build history (newest first, after the build `cursor`). */
export function fetchOlderBuilds(appId: string, cursor: string): Promise<BuildDto[]> {
  return api<BuildDto[]>(`/api/v1/apps/${appId}/builds?cursor=${encodeURIComponent(cursor)}&limit=20`);
}
