import { z } from "zod";

export interface BuildStepDto {
  name: string;
  position: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface BuildDto {
  id: string;
  appId: string;
  number: number;
  status: string;
  trigger: string;
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

export const buildLogQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
