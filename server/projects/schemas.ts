import { z } from "zod";
import { slugSchema } from "../slugs";

export const runtimeTargetSchema = z.string().regex(/^(embedded|cluster:[a-z0-9-]+)$/, "must be 'embedded' or 'cluster:<name>'");

export const createProjectInput = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(80).optional(),
  runtimeTarget: runtimeTargetSchema.default("embedded"),
});
export type CreateProjectInput = z.input<typeof createProjectInput>;

export const updateProjectInput = z
  .object({
    name: createProjectInput.shape.name.unwrap(),
    runtimeTarget: runtimeTargetSchema,
  })
  .partial();
export type UpdateProjectInput = z.input<typeof updateProjectInput>;

export interface ProjectDto {
  id: string;
  slug: string;
  name: string;
  runtimeTarget: string;
  createdAt: string;
  appCount: number;
}

export interface UpdateProjectResult extends ProjectDto {
  /** Set when the change affects apps that are already deployed. */
  warning?: string;
}
