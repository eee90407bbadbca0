import { Badge } from "@/components/ui/badge";
import type { AuditEventDto } from "@/server/audit/schemas";

const actorTone = { session: "neutral", token: "running", webhook: "warning", system: "warning" } as const;

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

function hasData(data: unknown): boolean {
  return data !== null && data !== undefined && !(typeof data === "object" && Object.keys(data).length === 0);
}

export function AuditEventRow({ event, showTeam }: { event: AuditEventDto; showTeam: boolean }) {
  return (
    <li className="py-3 text-sm" data-testid="audit-event">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <time dateTime={event.createdAt} className="w-44 shrink-0 text-xs text-slate-500">{formatTime(event.createdAt)}</time>
        <span className="font-mono text-xs font-medium text-slate-900">{event.action}</span>
        <span className="text-slate-700">{event.actorLabel || "unknown"}</span>
        <Badge tone={actorTone[event.actorType as keyof typeof actorTone] ?? "neutral"}>{event.actorType}</Badge>
        <span className="text-xs text-slate-500">
          on {event.targetType} <span className="font-mono">{event.targetId}</span>
        </span>
        {showTeam ? <Badge className="ml-auto">{event.team ? `team ${event.team.slug}` : "platform"}</Badge> : null}
      </div>
      {hasData(event.data) ? (
        <details className="mt-1 pl-0 sm:pl-[11.75rem]">
          <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-800">What changed</summary>
          <pre className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800">{JSON.stringify(event.data, null, 2)}</pre>
        </details>
      ) : null}
    </li>
  );
}
