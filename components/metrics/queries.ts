import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import type { MetricRange } from "@/server/metrics/constants";
import type { AppMetricsDto, TeamUsageHistoryDto } from "@/server/metrics/schemas";

export const metricKeys = {
  app: (appId: string, range: MetricRange) => ["apps", appId, "metrics", range] as const,
  teamUsage: (range: MetricRange) => ["team", "usage-history", range] as const,
};

export const appMetricsQuery = (appId: string, range: MetricRange) =>
  queryOptions({ queryKey: metricKeys.app(appId, range), queryFn: () => api<AppMetricsDto>(`/api/v1/apps/${appId}/metrics?range=${range}`) });
export const teamUsageQuery = (range: MetricRange) =>
  queryOptions({ queryKey: metricKeys.teamUsage(range), queryFn: () => api<TeamUsageHistoryDto>(`/api/v1/team/usage?range=${range}`) });

/** slipwayd samples every few seconds: the charts follow every 10 s (the previous figures stay while a range loads). */
export const useAppMetrics = (appId: string, range: MetricRange) =>
  useQuery({ ...appMetricsQuery(appId, range), refetchInterval: 10_000, placeholderData: (previous) => previous });
export const useTeamUsage = (range: MetricRange) =>
  useQuery({ ...teamUsageQuery(range), refetchInterval: 30_000, placeholderData: (previous) => previous });
