// Audit log queries and DTOs (safe to import from components).
import { z } from "zod";
import { AUDIT_ACTOR_TYPES } from "./constants";

export { AUDIT_ACTOR_TYPES };
export const AUDIT_PAGE_MAX = 200;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((s) => (s ? s : undefined));

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "must be a date or date-time, e.g. 2026-11-28 or 2026-11-28T17:00:00Z" });
      return z.NEVER;
    }
    return d;
  });

const auditFilterShape = {
  // A prefix: "app" finds app.create, app.update, app.delete; "app.delete" only those.
  action: optionalText(100),
  // Who acted: part of the actor's label (an email, or "… (token name)").
  actor: optionalText(200),
  actorType: z.enum(AUDIT_ACTOR_TYPES).optional(),
  targetType: optionalText(50),
  targetId: optionalText(100),
  from: optionalDate,
  to: optionalDate,
  cursor: optionalText(200),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
};

const fromNotAfterTo: [(q: { from?: Date; to?: Date }) => boolean, { message: string; path: string[] }] = [
  (q) => !q.from || !q.to || q.from.getTime() <= q.to.getTime(),
  { message: "must not be after 'to'", path: ["from"] },
];

/** GET /api/v1/team/audit: newest first, one page at a time. */
export const auditQuery = z.object(auditFilterShape).refine(...fromNotAfterTo);
export type AuditQuery = z.output<typeof auditQuery>;
export type AuditQueryInput = z.input<typeof auditQuery>;

/** GET /api/v1/platform/audit: every team's events and the platform's own (teamId null). */
export const platformAuditQuery = z
  .object({
    ...auditFilterShape,
    // A team slug, or "platform" for platform-wide events only (settings, clusters, default quota).
    team: optionalText(63),
  })
  .refine(...fromNotAfterTo);
export type PlatformAuditQuery = z.output<typeof platformAuditQuery>;
export type PlatformAuditQueryInput = z.input<typeof platformAuditQuery>;

export const PLATFORM_SCOPE = "platform";

export interface AuditEventDto {
  id: string;
  /** null: a platform-wide event. */
  team: { id: string; slug: string } | null;
  actorId: string | null;
  actorType: string;
  actorLabel: string;
  tokenId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** What changed, as recorded (never secrets). */
  data: unknown;
  createdAt: string;
}

export interface AuditPageDto {
  items: AuditEventDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
