"use client";

// Sizes only grow: the runtime enlarges the filesystem while the volume stays mounted. The team's
// storage quota is checked by the API (a refusal names the limit, the usage and the value).
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Input, Label } from "@/components/ui/input";
import type { VolumeDto } from "@/server/volumes/schemas";
import { useUpdateVolume } from "./queries";

export function GrowVolumeForm({ volume }: { volume: VolumeDto }) {
  const update = useUpdateVolume(volume.id);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    update.mutate({ sizeGib: Number(new FormData(e.currentTarget).get("sizeGib")) });
  }

  const id = `grow-${volume.id}`;
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2" data-testid="grow-volume-form">
      <div>
        <Label htmlFor={id}>New size (GiB)</Label>
        <Input id={id} name="sizeGib" type="number" min={volume.sizeGib + 1} defaultValue={volume.sizeGib + 1} required className="h-8 w-24" />
      </div>
      <Button type="submit" size="sm" variant="secondary" disabled={update.isPending}>{update.isPending ? "Growing…" : "Grow"}</Button>
      <div className="basis-full"><ErrorText error={update.error} /></div>
    </form>
  );
}
