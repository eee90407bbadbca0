import { z } from "zod";
import { DEFAULT_POD_PAGE_SIZE } from "./constants";

export { DEFAULT_POD_PAGE_SIZE };
export const MAX_POD_PAGE_SIZE = 2000;

export const listManagedPodsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_POD_PAGE_SIZE).default(DEFAULT_POD_PAGE_SIZE),
    // The API server's opaque continue token (base64 JSON; a few hundred bytes at most).
    continue: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type ListManagedPodsQuery = z.input<typeof listManagedPodsQuery>;

/**
 * One pod as the cluster view shows it: a dozen short fields instead of the pod's full JSON
 * (which, with managedFields, is several KiB per pod).
 */
export interface ManagedPodDto {
  namespace: string;
  name: string;
  team: string | null;
  project: string | null;
  app: string | null;
  appId: string | null;
  releaseId: string | null;
  /** Pending | Running | Succeeded | Failed | Unknown */
  phase: string;
  /** Why it is not simply its phase, as kubectl's STATUS column says: Terminating, CrashLoopBackOff, ImagePullBackOff, … */
  reason: string | null;
  ready: boolean;
  restarts: number;
  node: string | null;
  startedAt: string | null;
}

export interface ManagedPodPage {
  items: ManagedPodDto[];
  /** Pass back as `continue` for the next page; null on the last page. */
  continueToken: string | null;
  /** The API server's estimate of the pods after this page (null when it does not say). */
  remainingItemCount: number | null;
  /** "cluster": every Slipway-managed pod (platform admin); "team": the acting team's namespace only. */
  scope: "cluster" | "team";
  /** The team namespace when scope is "team". */
  namespace: string | null;
}
