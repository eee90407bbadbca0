import type { BuildDto } from "@/server/builds/schemas";

/** "manual by Ada", "push · Fix the header (Ada Lovelace)", "redelivered by Ada". */
export function triggerText(b: BuildDto): string {
  if (b.trigger === "push") {
    const message = b.commitMessage ? ` · ${b.commitMessage}` : "";
    return `push${message}${b.commitAuthor ? ` (${b.commitAuthor})` : ""}`;
  }
  const who = b.triggeredBy ? ` by ${b.triggeredBy.name}` : "";
  return b.trigger === "redeliver" ? `redelivered${who}` : `manual${who}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
