"use client";

import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { useQuota } from "./queries";

function Meter({ label, used, limit, unit }: { label: string; used: number; limit: number; unit: string }) {
  const pct = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 100;
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600"><span>{label}</span><span>{used} / {limit} {unit}</span></div>
      <div className="mt-1 h-2 rounded bg-slate-100"><div className={`h-2 rounded ${pct > 90 ? "bg-red-500" : "bg-slate-700"}`} style={{ width: `${pct}%` }} /></div>
    </div>
  );
}

export function QuotaCard() {
  const q = useQuota();
  return (
    <Card>
      <CardTitle>Team quota</CardTitle>
      <ErrorText error={q.error} />
      {q.data ? (
        <div className="space-y-3" data-testid="quota">
          <Meter label="CPU" used={q.data.usage.cpuMillicores} limit={q.data.quota.cpuMillicores} unit="millicores" />
          <Meter label="Memory" used={q.data.usage.memoryMib} limit={q.data.quota.memoryMib} unit="MiB" />
          <Meter label="Apps" used={q.data.usage.apps} limit={q.data.quota.maxApps} unit="" />
          <Meter label="Storage" used={q.data.usage.storageGib} limit={q.data.quota.storageGib} unit="GiB" />
          <p className="text-xs text-slate-500">Concurrent builds: {q.data.usage.runningBuilds} / {q.data.quota.maxConcurrentBuilds}</p>
        </div>
      ) : null}
    </Card>
  );
}
