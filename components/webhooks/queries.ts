import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { appKeys } from "@/components/apps/queries";
import type {
  RotatedWebhookSecretDto,
  UpdateWebhookSettingsInput,
  UpdateWebhookSettingsResultDto,
  WebhookDeliveriesPageDto,
  WebhookDeliveryDetailDto,
  WebhookSettingsDto,
} from "@/server/webhooks/schemas";
import { DELIVERIES_PAGE_DEFAULT } from "@/server/webhooks/constants";
import { refreshQueries } from "@/components/providers/refresh-queries";

export const webhookKeys = {
  settings: (appId: string) => ["apps", appId, "webhook"] as const,
  deliveries: (appId: string) => ["apps", appId, "deliveries"] as const,
  delivery: (appId: string, id: string) => ["apps", appId, "deliveries", id] as const,
};

/** What a redelivery answers: what the webhook intake would have answered. */
export interface RedeliveryResult {
  delivery?: { id: string; outcome: string; reason?: string };
  build?: { id: string; number: number };
}

export const webhookSettingsQuery = (appId: string) =>
  queryOptions({ queryKey: webhookKeys.settings(appId), queryFn: () => api<WebhookSettingsDto>(`/api/v1/apps/${appId}/webhook`) });

// The rejected-request counter moves without anyone here acting: refresh it now and then.
export const useWebhookSettings = (appId: string) => useQuery({ ...webhookSettingsQuery(appId), refetchInterval: 15_000 });

/** Without the one-time secret: the cache holds what GET would answer. */
function withoutSecret({ secret: _secret, ...settings }: UpdateWebhookSettingsResultDto): WebhookSettingsDto {
  return settings;
}

export function useUpdateWebhookSettings(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateWebhookSettingsInput) => api<UpdateWebhookSettingsResultDto>(`/api/v1/apps/${appId}/webhook`, { method: "PATCH", body: input }),
    onSuccess: (result) => qc.setQueryData(webhookKeys.settings(appId), withoutSecret(result)),
  });
}

export function useRotateWebhookSecret(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<RotatedWebhookSecretDto>(`/api/v1/apps/${appId}/webhook/secret`, { method: "POST" }),
    onSuccess: (result) => qc.setQueryData(webhookKeys.settings(appId), result.settings),
  });
}

export const deliveriesQuery = (appId: string) =>
  infiniteQueryOptions({
    queryKey: webhookKeys.deliveries(appId),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(DELIVERIES_PAGE_DEFAULT) });
      if (pageParam) params.set("cursor", pageParam);
      return api<WebhookDeliveriesPageDto>(`/api/v1/apps/${appId}/deliveries?${params}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

// New pushes show up without a reload, as on GitHub's own deliveries page after a refresh.
export const useDeliveries = (appId: string) => useInfiniteQuery({ ...deliveriesQuery(appId), refetchInterval: 5_000 });

export const deliveryQuery = (appId: string, id: string) =>
  queryOptions({ queryKey: webhookKeys.delivery(appId, id), queryFn: () => api<WebhookDeliveryDetailDto>(`/api/v1/apps/${appId}/deliveries/${id}`) });

/** The payload and headers: fetched when a row is opened, and never change afterwards. */
export const useDelivery = (appId: string, id: string) => useQuery({ ...deliveryQuery(appId, id), staleTime: Infinity });

export function useRedeliver(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<RedeliveryResult>(`/api/v1/apps/${appId}/deliveries/${id}/redeliver`, { method: "POST" }),
    onSuccess: () => refreshQueries(qc, { queryKey: webhookKeys.deliveries(appId), exact: true }, { queryKey: appKeys.builds(appId) }),
  });
}
