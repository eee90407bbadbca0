"use client";

// One volume: its state, bytes used against its size, where it is attached, and (for members who
// may change it) detach / attach, grow, delete and its backups. The API checks roles again.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import type { VolumeDto } from "@/server/volumes/schemas";
import { AttachVolumeForm } from "./attach-volume-form";
import { BackupsPanel } from "./backups-panel";
import { GrowVolumeForm } from "./grow-volume-form";
import { useDeleteVolume, useDetachVolume } from "./queries";
import { VolumeStateBadge } from "./volume-state";
import { VolumeUsage } from "./volume-usage";

function Attachment({ volume: v, canWrite }: { volume: VolumeDto; canWrite: boolean }) {
  const detach = useDetachVolume(v.id, v.appId);
  if (!v.appId) return canWrite && !v.deleting ? <AttachVolumeForm volume={v} /> : <p className="text-sm text-slate-500">Not attached.</p>;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span data-testid="volume-attachment">
          attached to <strong>{v.appSlug}</strong> at <code className="font-mono">{v.mountPath}</code>
        </span>
        {canWrite ? (
          <Button size="sm" variant="ghost" data-testid="detach-volume" disabled={detach.isPending} onClick={() => detach.mutate()}>
            {detach.isPending ? "Detaching…" : "Detach"}
          </Button>
        ) : null}
      </div>
      <ErrorText error={detach.error} />
    </div>
  );
}

function DeleteVolume({ volume: v }: { volume: VolumeDto }) {
  const remove = useDeleteVolume(v.id);
  const [confirming, setConfirming] = useState(false);
  if (v.deleting) return null;
  return (
    <div>
      {confirming ? (
        <span className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-red-800">Delete {v.name} and its data? Its backups are kept.</span>
          <Button variant="danger" size="sm" data-testid="confirm-delete-volume" disabled={remove.isPending} onClick={() => remove.mutate(undefined, { onSettled: () => setConfirming(false) })}>
            Delete
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>Cancel</Button>
        </span>
      ) : (
        <Button
          variant="ghost"
          size="sm"
          className="text-red-700"
          disabled={Boolean(v.appId)}
          title={v.appId ? "Detach it first: an attached volume cannot be deleted." : undefined}
          onClick={() => { remove.reset(); setConfirming(true); }}
        >
          Delete…
        </Button>
      )}
      <ErrorText error={remove.error} />
    </div>
  );
}

export function VolumeItem({ volume: v, canWrite, showProject = true }: { volume: VolumeDto; canWrite: boolean; showProject?: boolean }) {
  const [backupsOpen, setBackupsOpen] = useState(false);
  const backupsId = `backups-${v.id}`;
  return (
    <li className="py-4" data-testid={`volume-${v.name}`}>
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-40">
          <div className="flex items-center gap-2">
            <span className="font-medium">{v.name}</span>
            <VolumeStateBadge volume={v} />
          </div>
          <p className="text-xs text-slate-500">
            {showProject ? <>project {v.projectSlug} · </> : null}
            {v.runtime}
          </p>
        </div>
        <VolumeUsage volume={v} />
        <div className="ml-auto flex items-center gap-2">
          <Button size="sm" variant="secondary" aria-expanded={backupsOpen} aria-controls={backupsId} data-testid="toggle-backups" onClick={() => setBackupsOpen((o) => !o)}>
            {backupsOpen ? "Hide backups" : "Backups"}
          </Button>
        </div>
      </div>
      {v.stateReason && v.state !== "ready" ? <p className="mt-1 text-xs text-amber-900" data-testid="volume-state-reason">{v.stateReason}</p> : null}
      <div className="mt-2 space-y-2">
        <Attachment volume={v} canWrite={canWrite} />
        {canWrite && !v.deleting ? (
          <div className="flex flex-wrap items-end gap-4">
            <GrowVolumeForm volume={v} />
            <DeleteVolume volume={v} />
          </div>
        ) : null}
      </div>
      <div id={backupsId}>{backupsOpen ? <BackupsPanel volume={v} canWrite={canWrite} /> : null}</div>
    </li>
  );
}
