"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import type { AppDto } from "@/server/apps/schemas";
import { useAppOperation, useUpdateApp } from "./queries";

/**
 * Restart (rolling), stop (scale to zero, everything kept) and start, scale, and the automatic
 * rollback switch. The API checks the role and the quota again; this only hides what a viewer
 * cannot do.
 */
export function AppOperations({ app, canDeploy }: { app: AppDto; canDeploy: boolean }) {
  const operation = useAppOperation(app.id);
  const update = useUpdateApp(app.id);
  const [confirmingStop, setConfirmingStop] = useState(false);
  const busy = operation.isPending || update.isPending;
  const canRestart = Boolean(app.liveRelease) && !app.stopped;

  function onScale(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const replicas = Number(new FormData(e.currentTarget).get("replicas"));
    operation.reset();
    update.mutate({ replicas });
  }

  if (!canDeploy) return null;
  return (
    <Card data-testid="app-operations">
      <CardTitle>Operations</CardTitle>
      <div className="flex flex-wrap items-end gap-3">
        <Button
          variant="secondary"
          size="sm"
          data-testid="restart-app"
          disabled={busy || !canRestart}
          title={canRestart ? "Replaces the replicas one at a time; the app keeps serving." : app.stopped ? "The app is stopped: start it." : "Nothing is live yet: deploy first."}
          onClick={() => { update.reset(); operation.mutate("restart"); }}
        >
          Restart
        </Button>
        {app.stopped ? (
          <Button size="sm" data-testid="start-app" disabled={busy} onClick={() => { update.reset(); operation.mutate("start"); }}>
            Start
          </Button>
        ) : confirmingStop ? (
          <span className="flex flex-wrap items-center gap-2">
            <span className="text-sm text-slate-700">Stop {app.slug}? Its replicas stop and its address answers 503 until you start it; settings and releases are kept.</span>
            <Button
              variant="danger"
              size="sm"
              data-testid="confirm-stop-app"
              disabled={busy}
              onClick={() => { update.reset(); operation.mutate("stop", { onSettled: () => setConfirmingStop(false) }); }}
            >
              Stop
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirmingStop(false)}>Cancel</Button>
          </span>
        ) : (
          <Button variant="secondary" size="sm" data-testid="stop-app" disabled={busy} onClick={() => { operation.reset(); setConfirmingStop(true); }}>
            Stop…
          </Button>
        )}
        <form onSubmit={onScale} className="ml-auto flex items-end gap-2">
          <div>
            <Label htmlFor="scale-replicas">Replicas</Label>
            {/* Keyed by the saved value: a scale made elsewhere shows up here. */}
            <Input key={app.replicas} id="scale-replicas" name="replicas" type="number" min={1} max={20} defaultValue={app.replicas} className="w-20" data-testid="scale-replicas" />
          </div>
          <Button type="submit" variant="secondary" size="sm" disabled={busy} data-testid="scale-app">Scale</Button>
        </form>
      </div>
      <label className="mt-3 flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={app.autoRollback}
          disabled={busy}
          data-testid="auto-rollback"
          onChange={(e) => { operation.reset(); update.mutate({ autoRollback: e.target.checked }); }}
        />
        Roll back by itself when a new release starts crashing soon after it went live
      </label>
      {app.stopped ? <p className="mt-2 text-sm text-slate-600">Stopped: no replica runs and it holds none of the team&apos;s quota. {app.replicas} {app.replicas === 1 ? "replica starts" : "replicas start"} again with Start.</p> : null}
      <ErrorText error={operation.error ?? update.error} />
    </Card>
  );
}
