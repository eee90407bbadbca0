// An app's timeline as the API returns it (import-free: client components take these types).
export interface AppEventDto {
  id: string;
  /** deploy_started, deployed, deploy_failed, rolled_back, auto_rolled_back, crashed, recovered, restarted, stopped, started, scaled, domain_… */
  kind: string;
  message: string;
  releaseId: string | null;
  /** The person who did it; null when the platform did (a push, the runtime). */
  actor: { id: string | null; label: string } | null;
  createdAt: string;
}

export interface AppEventPageDto {
  /** Newest first. */
  items: AppEventDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
