// Deploy-on-push settings and webhook deliveries: zod inputs and DTOs (components import types
// only: `import type`; their constants come from ./constants).
import { z } from "zod";
import { BRANCH_FILTER_MAX, DELIVERIES_PAGE_DEFAULT, DELIVERIES_PAGE_MAX } from "./constants";

// git check-ref-format's rules for a branch name, with the glob characters * and ? allowed. The
// first rule a filter breaks is the one reported, so that the message says exactly what to fix.
const branchFilterRules: [(f: string) => boolean, string][] = [
  [(f) => !/\s/.test(f), "must not contain spaces"],
  [(f) => !f.startsWith("refs/"), "is a branch name or glob, without refs/heads/ (e.g. main or release/*)"],
  [(f) => !f.includes(".."), "must not contain '..'"],
  [(f) => !/[\x00-\x1f\x7f~^:\\[]/.test(f), "must not contain ~ ^ : \\ [ or control characters"],
  [(f) => !f.includes("@{") && f !== "@", "must not contain '@{' or be '@'"],
  [(f) => !f.startsWith("-"), "must not start with '-'"],
  [(f) => !f.startsWith("/") && !f.endsWith("/") && !f.includes("//"), "must not start or end with '/' or contain '//'"],
  [(f) => f.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock")), "no part between slashes may start with '.' or end with '.lock'"],
  [(f) => !f.endsWith("."), "must not end with '.'"],
  [(f) => !f.includes("***"), "'***' is not a glob: use '*' (within one part between slashes) or '**' (across slashes)"],
];

/** "" means the app's own branch; else an exact branch name or a glob (`*`, `**`, `?`). */
export const branchFilterSchema = z
  .string()
  .trim()
  .max(BRANCH_FILTER_MAX, `must be at most ${BRANCH_FILTER_MAX} characters`)
  .superRefine((filter, ctx) => {
    if (filter === "") return;
    const broken = branchFilterRules.find(([ok]) => !ok(filter));
    if (broken) ctx.addIssue({ code: "custom", message: broken[1] });
  });

export const updateWebhookSettingsInput = z.object({
  deployOnPush: z.boolean().optional(),
  branchFilter: branchFilterSchema.optional(),
});
export type UpdateWebhookSettingsInput = z.input<typeof updateWebhookSettingsInput>;

export const deliveriesQuery = z.object({
  cursor: z
    .string()
    .trim()
    .max(300)
    .optional()
    .transform((s) => (s ? s : undefined)),
  limit: z.coerce.number().int().min(1).max(DELIVERIES_PAGE_MAX).default(DELIVERIES_PAGE_DEFAULT),
});
export type DeliveriesQuery = z.output<typeof deliveriesQuery>;

export interface WebhookSettingsDto {
  /** Where every provider sends this app's pushes. */
  url: string;
  deployOnPush: boolean;
  /** As set: "" means the app's branch. */
  branchFilter: string;
  /** What pushes are matched against now: the filter, or the app's branch when it is "". */
  effectiveBranchFilter: string;
  hasSecret: boolean;
  /** After a rotation, until when the previous secret is still accepted; null when none is. */
  previousSecretExpiresAt: string | null;
  /** How long a rotated-out secret stays valid, in hours (what the rotate button promises). */
  rotationGraceHours: number;
  /** Requests refused before their body was trusted (bad or missing signature). */
  rejectedCount: number;
  lastRejectedAt: string | null;
  lastRejectReason: string;
  /** What the caller's role lets them do here (the card is read-only without `write`). */
  can: { write: boolean; deploy: boolean };
}

/** PATCH answer: `secret` only when this change generated the first one (shown once). */
export type UpdateWebhookSettingsResultDto = WebhookSettingsDto & { secret?: string };

/** POST …/webhook/secret answer: the new secret, shown once. */
export interface RotatedWebhookSecretDto {
  secret: string;
  settings: WebhookSettingsDto;
}

export interface WebhookDeliveryDto {
  id: string;
  provider: string;
  event: string;
  /** The provider's delivery id ("redeliver:<id>" for a re-send from the deliveries page). */
  deliveryId: string;
  branch: string;
  commitSha: string;
  commitMessage: string;
  commitAuthor: string;
  /** queued | coalesced | ignored | refused (see DELIVERY_OUTCOMES). */
  outcome: string;
  reason: string;
  /** The HTTP status Slipway answered. */
  statusCode: number;
  buildId: string | null;
  buildNumber: number | null;
  receivedAt: string;
  redeliveryOfId: string | null;
}

export interface WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  /** The body as received; pretty-printed when it is JSON. */
  payload: string;
  /** The headers that identify the delivery, as received. */
  headers: Record<string, string>;
}

export interface WebhookDeliveriesPageDto {
  /** Newest first. */
  items: WebhookDeliveryDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
