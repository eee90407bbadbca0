"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { QuotaMeter } from "@/components/team/quota-meter";
import type { PlatformTeamDto } from "@/server/quotas/schemas";
import { QuotaFields, readQuotaFields } from "./quota-fields";
import { usePlatformTeams, useUpdateTeamQuota } from "./queries";

function TeamRow({ team }: { team: PlatformTeamDto }) {
  const [editing, setEditing] = useState(false);
  const update = useUpdateTeamQuota();
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    update.mutate({ teamId: team.id, quota: readQuotaFields(e.currentTarget) }, { onSuccess: () => setEditing(false) });
  }
  const { quota, usage } = team;
  return (
    <li className="py-4" data-testid={`platform-team-${team.slug}`}>
      <div className="mb-2 flex items-center justify-between">
        <span>
          <span className="font-medium">{team.slug}</span> <span className="text-xs text-slate-500">· {team.members} member{team.members === 1 ? "" : "s"}</span>
        </span>
        {!editing ? <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>Edit quota</Button> : null}
      </div>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <QuotaMeter label="CPU" used={usage.cpuMillicores} limit={quota.cpuMillicores} unit="millicores" />
        <QuotaMeter label="Memory" used={usage.memoryMib} limit={quota.memoryMib} unit="MiB" />
        <QuotaMeter label="Apps" used={usage.apps} limit={quota.maxApps} unit="" />
        <QuotaMeter label="Storage" used={usage.storageGib} limit={quota.storageGib} unit="GiB" />
        <QuotaMeter label="Running builds" used={usage.runningBuilds} limit={quota.maxConcurrentBuilds} unit="" />
        {quota.buildTimeoutSeconds ? <p className="text-xs text-slate-500" data-testid="build-time-limit">Build time limit: {Math.round(quota.buildTimeoutSeconds / 60)} min</p> : null}
      </div>
      {editing ? (
        <form onSubmit={onSubmit} className="mt-3 grid grid-cols-2 gap-3 rounded-md bg-slate-50 p-3 lg:grid-cols-6" data-testid={`team-quota-form-${team.slug}`}>
          <QuotaFields idPrefix={`tq-${team.id}`} value={quota} />
          <div className="col-span-2 flex items-center gap-2 lg:col-span-6">
            <Button type="submit" size="sm" disabled={update.isPending}>Save quota</Button>
            <Button type="button" size="sm" variant="ghost" onClick={() => setEditing(false)}>Cancel</Button>
            <span className="text-xs text-slate-500">Lowering below usage stops nothing; it blocks growth until usage falls.</span>
          </div>
          <div className="col-span-2 lg:col-span-6"><ErrorText error={update.error} /></div>
        </form>
      ) : null}
    </li>
  );
}

/** Every team with its usage against its ceiling; the platform admin edits the ceiling. */
export function TeamQuotasCard() {
  const teams = usePlatformTeams();
  return (
    <Card>
      <CardTitle>Teams and quotas</CardTitle>
      <ErrorText error={teams.error} />
      {teams.data ? (
        <ul className="divide-y divide-slate-100 text-sm">
          {teams.data.map((t) => <TeamRow key={t.id} team={t} />)}
        </ul>
      ) : null}
    </Card>
  );
}
