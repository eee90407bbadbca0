"use client";

// Attach a detached volume to an app of its project at a mount path. The app's replicas are
// replaced one at a time with ones that mount it (the API raises the app's restart generation).
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import { useApps } from "@/components/apps/queries";
import type { VolumeDto } from "@/server/volumes/schemas";
import { useAttachVolume } from "./queries";

export function AttachVolumeForm({ volume }: { volume: VolumeDto }) {
  const apps = useApps(volume.projectId);
  const attach = useAttachVolume();

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    attach.mutate({ volumeId: volume.id, appId: String(f.get("appId") ?? ""), mountPath: String(f.get("mountPath") ?? "").trim() });
  }

  const appId = `attach-app-${volume.id}`;
  const pathId = `attach-path-${volume.id}`;
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" data-testid="attach-volume-form">
      <div>
        <Label htmlFor={appId}>Attach to app</Label>
        <select id={appId} name="appId" required className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm">
          {apps.data?.map((a) => <option key={a.id} value={a.id}>{a.slug}</option>)}
        </select>
      </div>
      <div>
        <Label htmlFor={pathId}>Mount path</Label>
        <Input id={pathId} name="mountPath" placeholder="/data" required className="h-8 w-40 font-mono" />
      </div>
      <Button type="submit" size="sm" variant="secondary" disabled={attach.isPending || !apps.data?.length}>
        {attach.isPending ? "Attaching…" : "Attach"}
      </Button>
      {apps.data?.length === 0 ? <p className="text-xs text-slate-500">Project {volume.projectSlug} has no app yet.</p> : null}
      <div className="basis-full"><ErrorText error={attach.error ?? apps.error} /></div>
    </form>
  );
}
