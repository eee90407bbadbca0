import { z } from "zod";
import { slugSchema } from "../slugs";

export const runtimeTargetSchema = z.string().regex(/^(embedded|cluster:[a-z0-9-]+)$/, "must be 'embedded' or 'cluster:<name>'");

export const createProjectInput = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(80).optional(),
  runtimeTarget: runtimeTargetSchema.default("embedded"),
});
export type CreateProjectInput = z.input<typeof createProjectInput>;

export interface ProjectDto {
  id: string;
  slug: string;
  name: string;
  runtimeTarget: string;
  createdAt: string;
  appCount: number;
}
