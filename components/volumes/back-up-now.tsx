"use client";

// An on-demand backup. A plain one copies the files while the app keeps running (each file as it
// is when read: files written during the copy may disagree with each other); a consistent one
// holds the app (no replica runs) for the copy and starts the same release again after it.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import type { VolumeDto } from "@/server/volumes/schemas";
import { useBackUpNow } from "./queries";

export function BackUpNow({ volume }: { volume: VolumeDto }) {
  const backUp = useBackUpNow(volume.id);
  const [consistent, setConsistent] = useState(volume.backupConsistent);
  const id = `consistent-${volume.id}`;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-3">
        <Button size="sm" data-testid="back-up-now" disabled={backUp.isPending} onClick={() => backUp.mutate({ consistent })}>
          {backUp.isPending ? "Queuing…" : "Back up now"}
        </Button>
        <label htmlFor={id} className="flex items-center gap-2 text-sm text-slate-700">
          <input id={id} type="checkbox" checked={consistent} onChange={(e) => setConsistent(e.target.checked)} data-testid="backup-consistent" />
          Consistent (stops the app during the copy)
        </label>
      </div>
      <ErrorText error={backUp.error} />
    </div>
  );
}
