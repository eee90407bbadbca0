import "server-only";
import type { WebhookDeliveryDetailDto, WebhookDeliveryDto } from "./schemas";

/** The relation the list shows: which build a delivery queued or joined. */
export const deliveryDtoInclude = { build: { select: { number: true } } } as const;

interface DeliveryRow {
  id: string;
  provider: string;
  event: string;
  deliveryId: string;
  branch: string;
  commitSha: string;
  commitMessage: string;
  commitAuthor: string;
  outcome: string;
  reason: string;
  statusCode: number;
  buildId: string | null;
  receivedAt: Date;
  redeliveryOfId: string | null;
  build: { number: number } | null;
}

export function toDeliveryDto(d: DeliveryRow): WebhookDeliveryDto {
  return {
    id: d.id,
    provider: d.provider,
    event: d.event,
    deliveryId: d.deliveryId,
    branch: d.branch,
    commitSha: d.commitSha,
    commitMessage: d.commitMessage,
    commitAuthor: d.commitAuthor,
    outcome: d.outcome,
    reason: d.reason,
    statusCode: d.statusCode,
    buildId: d.buildId,
    buildNumber: d.build?.number ?? null,
    receivedAt: d.receivedAt.toISOString(),
    redeliveryOfId: d.redeliveryOfId,
  };
}

/** JSON bodies indented for reading; anything else (a form-encoded body) exactly as received. */
function readablePayload(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // Not JSON: shown verbatim, which is what the provider sent.
    return raw;
  }
}

function headerMap(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Written by the intake as a JSON object; a row that is not one shows no headers rather than failing the page.
    return {};
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export function toDeliveryDetailDto(d: DeliveryRow & { payload: string; headers: string }): WebhookDeliveryDetailDto {
  return { ...toDeliveryDto(d), payload: readablePayload(d.payload), headers: headerMap(d.headers) };
}
