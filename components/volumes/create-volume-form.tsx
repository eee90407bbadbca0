"use client";

// A new volume in one of the team's projects (its runtime holds the data), optionally attached to
// one of that project's apps at once. The size counts against the team's storage quota.
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { useApps } from "@/components/apps/queries";
import { useProjects } from "@/components/projects/queries";
import type { CreateVolumeInput } from "@/server/volumes/schemas";
import { useCreateVolume } from "./queries";

const selectClass = "h-9 w-full rounded-md border border-slate-300 bg-white px-2 text-sm";

export function CreateVolumeForm() {
  const projects = useProjects();
  const create = useCreateVolume();
  const [projectId, setProjectId] = useState("");
  const chosen = projectId || projects.data?.[0]?.id || "";
  const apps = useApps(chosen);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const appId = String(f.get("appId") ?? "");
    const input: CreateVolumeInput = { projectId: chosen, name: String(f.get("name") ?? "").trim(), sizeGib: Number(f.get("sizeGib")) };
    if (appId) Object.assign(input, { appId, mountPath: String(f.get("mountPath") ?? "").trim() });
    create.mutate(input, { onSuccess: () => form.reset() });
  }

  if (projects.data?.length === 0) {
    return (
      <Card>
        <CardTitle>New volume</CardTitle>
        <p className="text-sm text-slate-500">A volume belongs to a project: create a project first.</p>
      </Card>
    );
  }
  return (
    <Card>
      <CardTitle>New volume</CardTitle>
      <form onSubmit={onSubmit} className="space-y-3" data-testid="create-volume-form">
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Project" htmlFor="volume-project" hint="Its runtime (embedded or a cluster) holds the data.">
            <select id="volume-project" className={selectClass} value={chosen} onChange={(e) => setProjectId(e.target.value)} required>
              {projects.data?.map((p) => <option key={p.id} value={p.id}>{p.slug}</option>)}
            </select>
          </Field>
          <Field label="Volume name" htmlFor="volume-name" hint="Lowercase letters, digits and '-'.">
            <Input id="volume-name" name="name" placeholder="data" required />
          </Field>
          <Field label="Size (GiB)" htmlFor="volume-size" hint="A hard limit: writes past it fail. It can grow later, never shrink.">
            <Input id="volume-size" name="sizeGib" type="number" min={1} defaultValue={1} required />
          </Field>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label="Attach to app (optional)" htmlFor="volume-app">
            <select id="volume-app" name="appId" className={selectClass} defaultValue="">
              <option value="">Not now</option>
              {apps.data?.map((a) => <option key={a.id} value={a.id}>{a.slug}</option>)}
            </select>
          </Field>
          <Field label="Mount path" htmlFor="volume-mount" hint="Absolute, inside the app's container, e.g. /data.">
            <Input id="volume-mount" name="mountPath" placeholder="/data" className="font-mono" />
          </Field>
        </div>
        <ErrorText error={create.error ?? projects.error} />
        <Button type="submit" disabled={create.isPending || !chosen}>{create.isPending ? "Creating…" : "Create volume"}</Button>
      </form>
    </Card>
  );
}
