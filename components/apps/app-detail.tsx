"use client";

import Link from "next/link";
import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { BuildHistory } from "@/components/builds/build-history";
import { useMe } from "@/components/team/queries";
import { RuntimeLogs, type LogSource } from "@/components/logs/runtime-logs";
import { DeployOnPushCard } from "@/components/webhooks/deploy-on-push-card";
import { DomainsCard } from "@/components/domains/domains-card";
import { AppVolumesSection } from "@/components/volumes/app-volumes-section";
import { AppMetrics } from "@/components/metrics/app-metrics";
import { AppSettingsForm } from "./app-settings-form";
import { AppOperations } from "./app-operations";
import { AppEvents } from "./app-events";
import { LiveCrash } from "./live-crash";
import { ReleaseFailure } from "./release-failure";
import { OpenThroughApiServer } from "./open-through-api-server";
import { ReleaseList } from "./release-list";
import { appKeys, useApp, useBuilds, useDeployApp, useReleases } from "./queries";
import { refreshQueries } from "@/components/providers/refresh-queries";

export function AppDetail({ appId }: { appId: string }) {
  const app = useApp(appId);
  const rolling = Boolean(app.data?.targetReleaseId && app.data.targetReleaseId !== app.data.liveRelease?.id);
  const builds = useBuilds(appId, rolling);
  const releases = useReleases(appId, rolling);
  const qc = useQueryClient();
  // A rollout just ended (live or failed): the releases list says how at once, not a poll later.
  useEffect(() => {
    if (!rolling) void refreshQueries(qc, { queryKey: appKeys.releases(appId) });
  }, [rolling, appId, qc]);
  const deploy = useDeployApp(appId);
  const me = useMe();
  // Viewers see the history; cancel is for members who may deploy (the API checks it again).
  const canDeploy = Boolean(me.data && me.data.team.role !== "VIEWER");
  const latest = builds.data?.[0];
  const building = latest?.status === "QUEUED" || latest?.status === "RUNNING";

  if (app.error) return <ErrorText error={app.error} />;
  if (!app.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const a = app.data;
  const target = rolling ? releases.data?.find((r) => r.id === a.targetReleaseId) : undefined;
  // During a rollout the new release's logs come first: why it does not start is visible while it happens.
  const logSources: LogSource[] = [
    ...(rolling && a.targetReleaseId ? [{ releaseId: a.targetReleaseId, label: target ? `v${target.version} (rolling out)` : "rolling out" }] : []),
    ...(a.liveRelease ? [{ releaseId: a.liveRelease.id, label: `v${a.liveRelease.version} (live)` }] : []),
  ];
  const newest = releases.data?.[0];
  const failed = !rolling && newest?.status === "FAILED" ? newest : undefined;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <Link href={`/projects/${a.projectId}`} className="text-sm text-slate-500 hover:underline">← {a.projectSlug}</Link>
          <h1 className="text-2xl font-semibold">{a.slug}</h1>
          <p className="text-sm text-slate-500">{a.gitUrl} @ {a.gitBranch} · {a.dockerfilePath}</p>
        </div>
        <div className="ml-auto flex items-center gap-3">
          {a.liveRelease ? (
            <Badge tone="success" data-testid="live-release">live · v{a.liveRelease.version}</Badge>
          ) : (
            <Badge>not deployed</Badge>
          )}
          {rolling ? <Badge tone="running" data-testid="rolling-out">rolling out…</Badge> : null}
          {a.stopped ? <Badge tone="warning" data-testid="app-stopped">stopped</Badge> : null}
          {a.heldBy ? (
            <Badge tone="warning" data-testid="app-held" title={`No replica runs and its URL answers 503 until this ends; then the same release starts again.`}>
              held: {a.heldBy}
            </Badge>
          ) : null}
          {a.liveRelease?.crashing ? <Badge tone="failure" data-testid="app-crashing">crashing</Badge> : null}
          <Button onClick={() => deploy.mutate()} disabled={deploy.isPending || building} data-testid="deploy-button">
            {building ? "Deploying…" : "Deploy"}
          </Button>
        </div>
      </div>
      <ErrorText error={deploy.error} />
      {failed ? <ReleaseFailure release={failed} liveVersion={a.liveRelease?.version ?? null} /> : null}
      {a.liveRelease?.crashing ? <LiveCrash version={a.liveRelease.version} crash={a.liveRelease.crashing} autoRollback={a.autoRollback} /> : null}
      {a.liveRelease ? (
        <Card className="flex items-center gap-3 py-3">
          {a.url ? (
            <>
              <span className="text-sm text-slate-600">{a.stopped ? "Stopped (answers 503) at" : "Serving at"}</span>
              <a href={a.url} target="_blank" rel="noreferrer" className="font-mono text-sm text-blue-700 underline" data-testid="app-url">{a.url}</a>
            </>
          ) : (
            <OpenThroughApiServer appId={a.id} runtimeTarget={a.runtimeTarget} />
          )}
        </Card>
      ) : null}
      <AppOperations app={a} canDeploy={canDeploy} />
      <AppVolumesSection app={a} canWrite={canDeploy} />
      <BuildHistory appId={a.id} builds={builds.data ?? []} canDeploy={canDeploy} />
      <RuntimeLogs appId={a.id} sources={logSources} releases={releases.data ?? []} />
      <AppMetrics appId={a.id} />
      <div className="grid gap-6 lg:grid-cols-2">
        <ReleaseList appId={a.id} liveReleaseId={a.liveRelease?.id ?? null} busy={rolling} />
        <AppSettingsForm app={a} />
      </div>
      <AppEvents appId={a.id} />
      <DeployOnPushCard appId={a.id} />
      {/* app:write, like app settings: the same members as deploy (the API checks it again) */}
      <DomainsCard appId={a.id} canWrite={canDeploy} />
    </div>
  );
}
