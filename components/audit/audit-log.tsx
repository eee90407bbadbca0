"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { cn } from "@/components/ui/cn";
import { AuditEventRow } from "./audit-event-row";
import { AuditFiltersForm } from "./audit-filters-form";
import { emptyAuditFilters, useAuditLog, type AuditFilters, type AuditScope } from "./queries";

function ScopeTabs({ scope, onChange }: { scope: AuditScope; onChange: (s: AuditScope) => void }) {
  const tab = (s: AuditScope, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={scope === s}
      onClick={() => onChange(s)}
      className={cn("rounded-md px-3 py-1.5 text-sm font-medium", scope === s ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100")}
    >
      {label}
    </button>
  );
  return (
    <div role="tablist" aria-label="Audit log scope" className="flex gap-1">
      {tab("team", "This team")}
      {tab("platform", "Whole platform")}
    </div>
  );
}

/**
 * The audit trail: a team admin's view of their team, and for a platform admin a second tab with
 * every team's events and the platform's own.
 */
export function AuditLog({ canReadTeam, isPlatformAdmin, teamSlug }: { canReadTeam: boolean; isPlatformAdmin: boolean; teamSlug: string }) {
  const [scope, setScope] = useState<AuditScope>(canReadTeam ? "team" : "platform");
  const [filters, setFilters] = useState<AuditFilters>(emptyAuditFilters);
  const log = useAuditLog(scope, filters);
  const events = log.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="space-y-4">
      {canReadTeam && isPlatformAdmin ? <ScopeTabs scope={scope} onChange={setScope} /> : null}
      <Card>
        <CardTitle>Filters</CardTitle>
        {/* Remount per scope: the platform form has a team field the team form does not. */}
        <AuditFiltersForm key={scope} scope={scope} value={filters} onApply={setFilters} />
      </Card>
      <Card>
        <CardTitle>{scope === "team" ? `Events in team ${teamSlug}` : "Events on the whole platform"}</CardTitle>
        {log.isPending ? <p className="text-sm text-slate-500">Loading events…</p> : null}
        <ErrorText error={log.error} />
        {!log.isPending && !log.error && events.length === 0 ? <p className="text-sm text-slate-500">No events match these filters.</p> : null}
        <ul className="divide-y divide-slate-100" data-testid="audit-events">
          {events.map((e) => (
            <AuditEventRow key={e.id} event={e} showTeam={scope === "platform"} />
          ))}
        </ul>
        {log.hasNextPage ? (
          <div className="mt-3">
            <Button variant="secondary" size="sm" disabled={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
              {log.isFetchingNextPage ? "Loading…" : "Load older events"}
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
