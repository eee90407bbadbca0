"use client";

import { useState, type ChangeEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import type { ClusterDto } from "@/server/clusters/schemas";
import { ClusterPodsToggle } from "./cluster-pods";
import { formatCheckedAt, ProbeResult, ReachableBadge } from "./cluster-status";
import { useCheckCluster, useClusters, useDeleteCluster, useUpdateCluster } from "./queries";

function AdminActions({ cluster }: { cluster: ClusterDto }) {
  const check = useCheckCluster();
  const update = useUpdateCluster();
  const remove = useDeleteCluster();
  const [confirming, setConfirming] = useState(false);

  async function onReplace(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (file) update.mutate({ id: cluster.id, input: { kubeconfig: await file.text() } });
  }

  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" size="sm" disabled={check.isPending} onClick={() => check.mutate(cluster.id)}>
          {check.isPending ? "Checking…" : "Check now"}
        </Button>
        <label className="inline-flex h-8 cursor-pointer items-center rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-100">
          {update.isPending ? "Uploading…" : "Replace kubeconfig"}
          <input type="file" className="sr-only" aria-label={`New kubeconfig for ${cluster.name}`} onChange={onReplace} disabled={update.isPending} />
        </label>
        {confirming ? (
          <>
            <span className="text-sm text-red-800">Delete {cluster.name}? Projects must not target it.</span>
            <Button variant="danger" size="sm" disabled={remove.isPending} onClick={() => remove.mutate(cluster.id, { onSettled: () => setConfirming(false) })}>
              Delete
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>Cancel</Button>
          </>
        ) : (
          <Button variant="ghost" size="sm" className="text-red-700" onClick={() => { remove.reset(); setConfirming(true); }}>
            Delete…
          </Button>
        )}
      </div>
      <ErrorText error={check.error ?? update.error ?? remove.error} />
    </div>
  );
}

/** How apps reach and run on the cluster: where images go, how apps are opened, which nodes they use. */
function ClusterSettings({ cluster: c }: { cluster: ClusterDto }) {
  return (
    <p className="mt-1 text-xs text-slate-600" data-testid="cluster-settings">
      images: {c.imageRegistry ? <span className="font-mono">{c.imageRegistry}</span> : "shared with the build engine"}
      {" · "}apps open at: {c.ingressDomain ? <span className="font-mono">*.{c.ingressDomain}</span> : "the API server's service proxy (no ingress domain)"}
      {" · "}app nodes: {c.appNodeSelector ? <span className="font-mono">{c.appNodeSelector}</span> : "any"}
      {" · "}volumes: {c.storageClassName ? <>storage class <span className="font-mono">{c.storageClassName}</span></> : "the default storage class"}
    </p>
  );
}

export function ClusterList({ isPlatformAdmin }: { isPlatformAdmin: boolean }) {
  const clusters = useClusters();
  return (
    <Card>
      <CardTitle>Kubernetes clusters</CardTitle>
      {clusters.isPending ? <p className="text-sm text-slate-500">Loading clusters…</p> : null}
      <ErrorText error={clusters.error} />
      {clusters.data?.length === 0 ? (
        <p className="text-sm text-slate-500">
          No clusters registered. Projects run on the embedded runtime{isPlatformAdmin ? "; register a cluster below to offer Kubernetes as a target." : "; a platform admin can register a cluster."}
        </p>
      ) : null}
      <ul className="divide-y divide-slate-100" data-testid="clusters">
        {clusters.data?.map((c) => (
          <li key={c.id} className="py-3" data-testid={`cluster-${c.name}`}>
            <div className="flex flex-wrap items-center gap-3">
              <span className="font-medium">{c.name}</span>
              <ReachableBadge cluster={c} />
              <span className="text-sm text-slate-600">{c.version ?? "version unknown"}</span>
              <span className="truncate font-mono text-xs text-slate-500">{c.server}</span>
              <span className="ml-auto text-xs text-slate-500">checked {formatCheckedAt(c.lastCheckedAt)}</span>
            </div>
            <ClusterSettings cluster={c} />
            {!c.reachable ? <div className="mt-2"><ProbeResult cluster={c} /></div> : null}
            {isPlatformAdmin ? <AdminActions cluster={c} /> : null}
            {c.reachable ? <ClusterPodsToggle clusterId={c.id} clusterName={c.name} /> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
