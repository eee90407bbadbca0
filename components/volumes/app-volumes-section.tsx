"use client";

// The app page's "Volumes" section: the volumes mounted into this app (used bytes against size,
// detach, grow, backups), a new volume created and attached at once, or a detached volume of the
// same project attached. Attaching and detaching replace the replicas one at a time.
import type { FormEvent } from "react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import type { AppDto } from "@/server/apps/schemas";
import type { VolumeDto } from "@/server/volumes/schemas";
import { useAttachVolume, useCreateVolume, useVolumes } from "./queries";
import { VolumeItem } from "./volume-item";

function CreateAndAttach({ app }: { app: AppDto }) {
  const create = useCreateVolume();
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    create.mutate(
      { projectId: app.projectId, appId: app.id, name: String(f.get("name") ?? "").trim(), sizeGib: Number(f.get("sizeGib")), mountPath: String(f.get("mountPath") ?? "").trim() },
      { onSuccess: () => form.reset() },
    );
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" data-testid="create-app-volume-form">
      <div>
        <Label htmlFor="app-volume-name">New volume name</Label>
        <Input id="app-volume-name" name="name" placeholder="data" required className="h-8 w-40" />
      </div>
      <div>
        <Label htmlFor="app-volume-size">Size (GiB)</Label>
        <Input id="app-volume-size" name="sizeGib" type="number" min={1} defaultValue={1} required className="h-8 w-20" />
      </div>
      <div>
        <Label htmlFor="app-volume-mount">Mount path</Label>
        <Input id="app-volume-mount" name="mountPath" placeholder="/data" required className="h-8 w-40 font-mono" />
      </div>
      <Button type="submit" size="sm" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create and attach"}</Button>
      <div className="basis-full"><ErrorText error={create.error} /></div>
    </form>
  );
}

function AttachExisting({ app, detached }: { app: AppDto; detached: VolumeDto[] }) {
  const attach = useAttachVolume();
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    attach.mutate({ volumeId: String(f.get("volumeId") ?? ""), appId: app.id, mountPath: String(f.get("mountPath") ?? "").trim() });
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" data-testid="attach-existing-form">
      <div>
        <Label htmlFor="app-attach-volume">Detached volume of {app.projectSlug}</Label>
        <select id="app-attach-volume" name="volumeId" required className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm">
          {detached.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.sizeGib} GiB)</option>)}
        </select>
      </div>
      <div>
        <Label htmlFor="app-attach-mount">Mount path</Label>
        <Input id="app-attach-mount" name="mountPath" placeholder="/data" required className="h-8 w-40 font-mono" />
      </div>
      <Button type="submit" size="sm" variant="secondary" disabled={attach.isPending}>{attach.isPending ? "Attaching…" : "Attach"}</Button>
      <div className="basis-full"><ErrorText error={attach.error} /></div>
    </form>
  );
}

export function AppVolumesSection({ app, canWrite }: { app: AppDto; canWrite: boolean }) {
  // The project's volumes: this app's, and the detached ones it could mount.
  const volumes = useVolumes({ projectId: app.projectId });
  const mine = volumes.data?.volumes.filter((v) => v.appId === app.id) ?? [];
  const detached = volumes.data?.volumes.filter((v) => !v.appId && !v.deleting) ?? [];
  return (
    <Card data-testid="app-volumes">
      <div className="flex items-baseline gap-3">
        <CardTitle>Volumes</CardTitle>
        <Link href="/volumes" className="ml-auto text-sm text-blue-700 underline">All team volumes</Link>
      </div>
      <ErrorText error={volumes.error} />
      {volumes.data && mine.length === 0 ? <p className="text-sm text-slate-500">No volume attached: files the app writes are lost at each redeploy.</p> : null}
      <ul className="divide-y divide-slate-100">
        {mine.map((v) => <VolumeItem key={v.id} volume={v} canWrite={canWrite} showProject={false} />)}
      </ul>
      {canWrite ? (
        <div className="mt-3 space-y-3 border-t border-slate-100 pt-3">
          <CreateAndAttach app={app} />
          {detached.length > 0 ? <AttachExisting app={app} detached={detached} /> : null}
          <p className="text-xs text-slate-500">Attaching or detaching replaces the replicas one at a time, as a restart does.</p>
        </div>
      ) : null}
    </Card>
  );
}
