import { z } from "zod";

export interface BuildStepDto {
  name: string;
  position: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** What queued a build: a person's deploy, a webhook push, or a person re-sending a stored delivery. */
export type BuildTrigger = "manual" | "push" | "redeliver";

export interface BuildDto {
  id: string;
  appId: string;
  number: number;
  /** QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELED */
  status: string;
  trigger: BuildTrigger;
  /** who deployed or redelivered (null for a push, or a person since removed) */
  triggeredBy: { name: string } | null;
  commitMessage: string | null;
  commitAuthor: string | null;
  /** the provider's delivery id of the newest webhook delivery that queued (or joined) this build */
  deliveryId: string | null;
  /** from start to finish, or to now while running; null until a worker starts it */
  durationMs: number | null;
  canceledBy: { name: string } | null;
  gitRef: string;
  commitSha: string | null;
  imageDigest: string | null;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: BuildStepDto[];
  releaseId: string | null;
}

export interface BuildLogLineDto {
  id: number;
  step: string;
  stream: string;
  line: string;
  time: string;
}

/** GET /apps/<id>/builds: newest first; `cursor` is the id of the last build of the previous page. */
export const buildListQuery = z.object({
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type BuildListQuery = z.infer<typeof buildListQuery>;

export const buildLogQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
