"use client";

// Restore one backup: into the volume it came from (its app is held, with no replica running,
// while the data is replaced, and starts again with the same release) or into a new volume of the
// same project. The archive's checksum is verified before anything is touched.
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import type { BackupDto } from "@/server/volumes/schemas";
import { useStartRestore, type RestoreInput } from "./queries";

export function RestoreForm({ backup, onStarted, onCancel }: { backup: BackupDto; onStarted: (restoreId: string) => void; onCancel: () => void }) {
  const start = useStartRestore();
  const [into, setInto] = useState<"same" | "new">(backup.volumeId ? "same" : "new");

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const size = String(f.get("sizeGib") ?? "").trim();
    const input: RestoreInput =
      into === "same" && backup.volumeId
        ? { volumeId: backup.volumeId }
        : { newVolume: { name: String(f.get("name") ?? "").trim(), projectId: backup.projectId, ...(size ? { sizeGib: Number(size) } : {}) } };
    start.mutate({ backupId: backup.id, input }, { onSuccess: ({ restore }) => onStarted(restore.id) });
  }

  const id = (k: string) => `restore-${k}-${backup.id}`;
  return (
    <form onSubmit={onSubmit} className="mt-2 space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm" data-testid="restore-form">
      <fieldset className="space-y-1">
        <legend className="mb-1 font-medium text-amber-900">Restore this backup</legend>
        <label htmlFor={id("same")} className="flex items-center gap-2">
          <input id={id("same")} type="radio" name="into" value="same" checked={into === "same"} disabled={!backup.volumeId} onChange={() => setInto("same")} />
          Into {backup.volumeName}, replacing its data (its app is stopped during the restore and started after)
        </label>
        <label htmlFor={id("new")} className="flex items-center gap-2">
          <input id={id("new")} type="radio" name="into" value="new" checked={into === "new"} onChange={() => setInto("new")} />
          Into a new volume
        </label>
      </fieldset>
      {into === "new" ? (
        <div className="flex flex-wrap gap-3">
          <div>
            <Label htmlFor={id("name")}>New volume name</Label>
            <Input id={id("name")} name="name" required placeholder={`${backup.volumeName}-restored`} className="h-8 w-56" />
          </div>
          <div>
            <Label htmlFor={id("size")}>Size (GiB, optional)</Label>
            <Input id={id("size")} name="sizeGib" type="number" min={1} className="h-8 w-24" />
          </div>
        </div>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant={into === "same" ? "danger" : "primary"} data-testid="confirm-restore" disabled={start.isPending}>
          {start.isPending ? "Starting…" : into === "same" ? `Restore into ${backup.volumeName}` : "Restore into a new volume"}
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onCancel}>Cancel</Button>
      </div>
      <ErrorText error={start.error} />
    </form>
  );
}
