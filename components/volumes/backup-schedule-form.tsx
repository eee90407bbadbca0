"use client";

// A volume's scheduled backups: when (5-field cron, UTC; empty = none), how many scheduled ones to
// keep (older ones are pruned; manual backups are never pruned), whether they hold the app, and
// where they go (the platform's local backup directory or one of the team's S3-compatible targets).
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import type { BackupTargetDto, VolumeDto } from "@/server/volumes/schemas";
import { useUpdateVolume } from "./queries";

export function BackupScheduleForm({ volume: v, targets }: { volume: VolumeDto; targets: BackupTargetDto[] | undefined }) {
  const update = useUpdateVolume(v.id);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const target = String(f.get("backupTargetId") ?? "");
    update.mutate({
      backupSchedule: String(f.get("backupSchedule") ?? "").trim(),
      backupRetention: Number(f.get("backupRetention")),
      backupConsistent: f.get("backupConsistent") === "on",
      backupTargetId: target === "" ? null : target,
    });
  }

  const id = (k: string) => `${k}-${v.id}`;
  const known = targets ?? [];
  return (
    <form onSubmit={onSubmit} className="space-y-2" data-testid="backup-schedule-form">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <Label htmlFor={id("schedule")}>Schedule (cron, UTC)</Label>
          <Input id={id("schedule")} name="backupSchedule" defaultValue={v.backupSchedule} placeholder="0 3 * * *" className="h-8 w-40 font-mono" />
        </div>
        <div>
          <Label htmlFor={id("retention")}>Keep (scheduled)</Label>
          <Input id={id("retention")} name="backupRetention" type="number" min={1} max={1000} defaultValue={v.backupRetention} required className="h-8 w-20" />
        </div>
        <div>
          <Label htmlFor={id("target")}>Backup location</Label>
          <select id={id("target")} name="backupTargetId" defaultValue={v.backupTargetId ?? ""} className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm">
            <option value="">Local backup directory</option>
            {known.map((t) => <option key={t.id} value={t.id}>{t.name} ({t.bucket})</option>)}
          </select>
        </div>
        <label htmlFor={id("consistent-scheduled")} className="flex h-8 items-center gap-2 text-sm text-slate-700">
          <input id={id("consistent-scheduled")} type="checkbox" name="backupConsistent" defaultChecked={v.backupConsistent} />
          Scheduled backups are consistent (stop the app during the copy)
        </label>
        <Button type="submit" size="sm" variant="secondary" disabled={update.isPending}>{update.isPending ? "Saving…" : "Save schedule"}</Button>
      </div>
      <p className="text-xs text-slate-500">Empty schedule: no scheduled backups. E.g. <code>0 3 * * *</code> is every day at 03:00 UTC. Only scheduled backups are pruned to the count kept.</p>
      {update.isSuccess ? <p className="text-xs text-emerald-800" role="status">Schedule saved.</p> : null}
      <ErrorText error={update.error} />
    </form>
  );
}
