import { z } from "zod";
import { slugSchema } from "../slugs";

export const runtimeTargetSchema = z.string().regex(/^(embedded|cluster:[a-z0-9-]+)$/, "must be 'embedded' or 'cluster:<name>'");

/** A RuntimeClass / OCI runtime name for sandboxed apps (gVisor, Kata); "" = the runtime's default. */
export const runtimeClassSchema = z
  .string()
  .max(63)
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, "must be empty or a RuntimeClass name such as gvisor or kata");

export const createProjectInput = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(80).optional(),
  runtimeTarget: runtimeTargetSchema.default("embedded"),
  runtimeClass: runtimeClassSchema.default(""),
});
export type CreateProjectInput = z.input<typeof createProjectInput>;

export const updateProjectInput = z
  .object({
    name: createProjectInput.shape.name.unwrap(),
    runtimeTarget: runtimeTargetSchema,
    runtimeClass: runtimeClassSchema,
  })
  .partial();
export type UpdateProjectInput = z.input<typeof updateProjectInput>;

export interface ProjectDto {
  id: string;
  slug: string;
  name: string;
  runtimeTarget: string;
  runtimeClass: string;
  createdAt: string;
  appCount: number;
}

export interface UpdateProjectResult extends ProjectDto {
  /** Set when the change affects apps that are already deployed. */
  warning?: string;
}
