"use client";

// The team's volumes, every project's, with their usage and backups.
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { useMe } from "@/components/team/queries";
import { useVolumes } from "./queries";
import { VolumeItem } from "./volume-item";

export function VolumeList() {
  const volumes = useVolumes();
  const me = useMe();
  const role = me.data?.team.role ?? "VIEWER";
  const canWrite = role !== "VIEWER";
  return (
    <Card>
      <CardTitle>Volumes</CardTitle>
      {volumes.isPending ? <p className="text-sm text-slate-500">Loading volumes…</p> : null}
      <ErrorText error={volumes.error} />
      {volumes.data?.volumes.length === 0 ? <p className="text-sm text-slate-500">No volumes yet. An app that writes to disk outside a volume loses it at each redeploy.</p> : null}
      <ul className="divide-y divide-slate-100" data-testid="volumes">
        {volumes.data?.volumes.map((v) => <VolumeItem key={v.id} volume={v} canWrite={canWrite} />)}
      </ul>
    </Card>
  );
}
