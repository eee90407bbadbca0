"use client";

import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { QuotaMeter } from "./quota-meter";
import { useQuota } from "./queries";

/** The team's usage against the ceiling the platform admin set. */
export function QuotaCard() {
  const q = useQuota();
  return (
    <Card>
      <CardTitle>Team quota</CardTitle>
      <ErrorText error={q.error} />
      {q.data ? (
        <div className="space-y-3" data-testid="quota">
          <QuotaMeter label="CPU" used={q.data.usage.cpuMillicores} limit={q.data.quota.cpuMillicores} unit="millicores" />
          <QuotaMeter label="Memory" used={q.data.usage.memoryMib} limit={q.data.quota.memoryMib} unit="MiB" />
          <QuotaMeter label="Apps" used={q.data.usage.apps} limit={q.data.quota.maxApps} unit="" />
          <QuotaMeter label="Storage" used={q.data.usage.storageGib} limit={q.data.quota.storageGib} unit="GiB" />
          <p className="text-xs text-slate-500">Concurrent builds: {q.data.usage.runningBuilds} / {q.data.quota.maxConcurrentBuilds}</p>
          {q.data.quota.buildTimeoutSeconds ? <p className="text-xs text-slate-500">Build time limit: {Math.round(q.data.quota.buildTimeoutSeconds / 60)} min</p> : null}
          <p className="text-xs text-slate-500">Usage counts what runs (live and rolling-out releases) and queued deploys. The platform admin sets this ceiling.</p>
        </div>
      ) : null}
    </Card>
  );
}
