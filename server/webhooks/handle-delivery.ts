import "server-only";
// What becomes of a verified delivery, for the intake and for a redelivery alike: ignored (with
// why), or a push that queues a build or joins the queued one. The delivery row is written first in
// the transaction: its (appId, deliveryId) uniqueness is what makes a repeated or concurrent copy
// of one delivery a duplicate that builds nothing more.
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit, type SystemActor } from "../audit/record-audit";
import type { Tx } from "../db";
import { logger } from "../logger";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { effectiveBranchFilter, matchesBranchFilter } from "./branch-filter";
import { enqueuePushBuild } from "./enqueue-push-build";
import { pruneDeliveriesSometimes } from "./prune-deliveries";
import type { NormalizedEvent } from "./providers/types";

export interface DeliveryApp {
  id: string;
  teamId: string;
  slug: string;
  gitBranch: string;
  pushBranchFilter: string;
  deployOnPush: boolean;
}

export const deliveryAppSelect = { id: true, teamId: true, slug: true, gitBranch: true, pushBranchFilter: true, deployOnPush: true } as const;

export interface HandleDeliveryOptions {
  app: DeliveryApp;
  event: NormalizedEvent & { deliveryId: string };
  /** The raw body as text, and the identifying headers, kept for the deliveries page and redelivery. */
  payload: string;
  headers: Record<string, string>;
  trigger: "push" | "redeliver";
  actor: Actor | SystemActor;
  redeliveryOfId?: string;
  redeliveredById?: string;
}

/** What the intake (or the redeliver route) answers. */
export interface DeliveryAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Why a verified event builds nothing; null for a push that builds. */
export function ignoreReason(app: DeliveryApp, event: NormalizedEvent): string | null {
  if (event.kind === "ping") return "ping";
  if (event.kind !== "push") return `event ${event.event || "(none)"} is not a push`;
  if (!app.deployOnPush) return "deploy on push is turned off";
  if (event.isTag) return "tag push";
  if (event.deleted) return "branch deleted";
  const filter = effectiveBranchFilter(app);
  if (!matchesBranchFilter(event.branch, filter)) return `branch ${event.branch} does not match the filter ${filter}`;
  return null;
}

const ATTEMPTS = 6;
// Transactions wait their turn rather than fail: 100 copies of one delivery at once must all be answered.
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 20_000 };

/** A write that lost a race it may simply run again (SQLite busy, PostgreSQL serialization or deadlock, no transaction slot). */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (code === "P2034" || code === "P2028") return true;
  const text = error instanceof Error ? error.message : String(error);
  return /SQLITE_BUSY|database is locked|could not serialize|deadlock detected|\b40001\b|\b40P01\b/i.test(text);
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown }).code === "P2002";

export async function handleDelivery(options: HandleDeliveryOptions): Promise<DeliveryAnswer> {
  const { app, event } = options;
  const reason = ignoreReason(app, event);
  const columns = deliveryColumns(options);

  let answer: DeliveryAnswer | undefined;
  for (let attempt = 1; !answer; attempt++) {
    try {
      answer = reason !== null ? await recordIgnored(options, columns, reason) : await recordPush(options, columns);
    } catch (error) {
      if (isUniqueViolation(error)) {
        const duplicate = await duplicateAnswer(app.id, event.deliveryId);
        if (duplicate) return duplicate;
        // The unique key was another one (a build number taken at the same moment): run again.
      } else if (!isRetryable(error)) {
        throw error;
      }
      if (attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
    }
  }
  if (answer.status === 202) {
    // Wake slipwayd so the build starts now rather than at its next poll; it polls anyway, so a
    // daemon that is down or restarting loses nothing.
    await nudgeSlipwayd(`push to app ${app.id}`);
  }
  await pruneDeliveriesSometimes(app.id);
  return answer;
}

function deliveryColumns(options: HandleDeliveryOptions) {
  const { app, event } = options;
  return {
    teamId: app.teamId,
    appId: app.id,
    provider: event.provider,
    deliveryId: event.deliveryId,
    event: event.event.slice(0, 100),
    ref: event.ref.slice(0, 300),
    branch: event.branch.slice(0, 300),
    commitSha: event.sha,
    commitMessage: event.message,
    commitAuthor: event.author,
    payload: options.payload,
    headers: JSON.stringify(options.headers),
    redeliveryOfId: options.redeliveryOfId ?? null,
    redeliveredById: options.redeliveredById ?? null,
  };
}

type DeliveryColumns = ReturnType<typeof deliveryColumns>;

/**
 * A person's redelivery is a change they made even when it builds nothing (a queued build is
 * audited as a deploy by enqueuePushBuild): record it with its outcome.
 */
async function auditRedeliveryWithoutBuild(tx: Tx, options: HandleDeliveryOptions, deliveryRowId: string, outcome: string, reason: string): Promise<void> {
  if (options.trigger !== "redeliver") return;
  await recordAudit(tx, {
    actor: options.actor,
    action: "app.delivery.redeliver",
    targetType: "delivery",
    targetId: deliveryRowId,
    data: { app: options.app.slug, redeliveryOf: options.redeliveryOfId ?? null, outcome, reason },
  });
}

async function recordIgnored(options: HandleDeliveryOptions, columns: DeliveryColumns, reason: string): Promise<DeliveryAnswer> {
  // A transaction even for one insert: on SQLite all queries share one connection, and a write
  // outside a transaction would run inside whichever one is open (and roll back with it).
  const row = await getDb().$transaction(async (tx) => {
    const created = await tx.webhookDelivery.create({ data: { ...columns, outcome: "ignored", reason, statusCode: 200 }, select: { id: true } });
    await auditRedeliveryWithoutBuild(tx, options, created.id, "ignored", reason);
    return created;
  }, TRANSACTION_OPTIONS);
  return { status: 200, body: { delivery: { id: row.id, outcome: "ignored", reason } } };
}

async function recordPush(options: HandleDeliveryOptions, columns: DeliveryColumns): Promise<DeliveryAnswer> {
  const { app, event } = options;
  return getDb().$transaction(async (tx) => {
    const row = await tx.webhookDelivery.create({
      data: { ...columns, outcome: "queued", statusCode: 202 },
      select: { id: true },
    });
    const result = await enqueuePushBuild(tx, {
      app,
      commit: { sha: event.sha, message: event.message, author: event.author, branch: event.branch },
      delivery: { id: row.id, deliveryId: event.deliveryId },
      trigger: options.trigger,
      actor: options.actor,
    });
    if (result.outcome === "refused") {
      await tx.webhookDelivery.update({ where: { id: row.id }, data: { outcome: "refused", reason: result.reason, statusCode: 422 } });
      await auditRedeliveryWithoutBuild(tx, options, row.id, "refused", result.reason);
      return { status: 422, body: { delivery: { id: row.id, outcome: "refused", reason: result.reason }, error: { code: "QUOTA_EXCEEDED", message: result.reason } } };
    }
    await tx.webhookDelivery.update({ where: { id: row.id }, data: { outcome: result.outcome, reason: result.reason, buildId: result.build.id } });
    return { status: 202, body: { delivery: { id: row.id, outcome: result.outcome, reason: result.reason }, build: result.build } };
  }, TRANSACTION_OPTIONS);
}

/** The answer to a copy of a delivery already recorded: what the first copy did, and nothing more. */
async function duplicateAnswer(appId: string, deliveryId: string): Promise<DeliveryAnswer | null> {
  const existing = await getDb().webhookDelivery.findUnique({
    where: { appId_deliveryId: { appId, deliveryId } },
    select: { id: true, outcome: true, reason: true, build: { select: { id: true, number: true } } },
  });
  if (!existing) return null;
  logger.debug({ appId, deliveryId }, "duplicate webhook delivery answered with the first copy's outcome");
  return { status: 200, body: { duplicate: true, delivery: { id: existing.id, outcome: existing.outcome, reason: existing.reason }, build: existing.build } };
}
