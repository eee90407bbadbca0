"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Label } from "@/components/ui/input";
import { useClusters } from "@/components/clusters/queries";
import type { ProjectDto } from "@/server/projects/schemas";
import { useUpdateProject } from "./queries";

/** "embedded" or one of the registered clusters ("cluster:<name>"); a target that is no longer registered still shows. */
export function RuntimeTargetSelect({ id, value, onChange, disabled }: { id: string; value: string; onChange: (target: string) => void; disabled?: boolean }) {
  const clusters = useClusters();
  const options = [
    { value: "embedded", label: "Embedded (this machine)" },
    ...(clusters.data ?? []).map((c) => ({ value: c.target, label: `Cluster ${c.name} · ${c.reachable ? (c.version ?? "reachable") : "unreachable"}` })),
  ];
  if (!options.some((o) => o.value === value)) options.push({ value, label: clusters.isPending ? value : `${value} (not registered)` });
  return (
    <>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        className="h-9 w-full rounded-md border border-slate-300 bg-white px-2 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-slate-400"
      >
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <ErrorText error={clusters.error} />
    </>
  );
}

/** The project page's target picker: saves with PATCH and shows the server's refusal or warning. */
export function ProjectRuntimeTarget({ project }: { project: ProjectDto }) {
  const update = useUpdateProject(project.id);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? project.runtimeTarget;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    update.mutate({ runtimeTarget: value }, { onSuccess: () => setDraft(null) });
  }

  return (
    <form onSubmit={onSubmit} className="mt-2 max-w-xl">
      <Label htmlFor="project-runtime-target">Runtime target</Label>
      <div className="flex items-center gap-2">
        <RuntimeTargetSelect id="project-runtime-target" value={value} onChange={(t) => { update.reset(); setDraft(t); }} disabled={update.isPending} />
        <Button type="submit" variant="secondary" disabled={update.isPending || value === project.runtimeTarget}>Save</Button>
      </div>
      <ErrorText error={update.error} />
      {update.data?.warning ? (
        <p role="status" className="mt-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{update.data.warning}</p>
      ) : update.isSuccess ? (
        <p role="status" className="mt-2 text-sm text-emerald-700">Saved: apps deploy to {project.runtimeTarget} from now on.</p>
      ) : null}
    </form>
  );
}

const SANDBOXES = [
  { value: "", label: "Default runtime" },
  { value: "gvisor", label: "gVisor (RuntimeClass gvisor)" },
  { value: "kata", label: "Kata Containers (RuntimeClass kata)" },
];

/** A sandboxed runtime for the project's apps; applies at their next deploy. */
export function ProjectRuntimeClass({ project }: { project: ProjectDto }) {
  const update = useUpdateProject(project.id);
  const known = SANDBOXES.some((s) => s.value === project.runtimeClass);
  return (
    <div className="mt-3 max-w-xl">
      <Label htmlFor="project-runtime-class">Sandbox</Label>
      <select
        id="project-runtime-class"
        value={project.runtimeClass}
        disabled={update.isPending}
        onChange={(e) => update.mutate({ runtimeClass: e.target.value })}
        className="h-9 w-full rounded-md border border-slate-300 bg-white px-2 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-slate-400"
      >
        {SANDBOXES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        {!known ? <option value={project.runtimeClass}>{project.runtimeClass}</option> : null}
      </select>
      <p className="mt-1 text-xs text-slate-500">On a cluster this names a RuntimeClass; on the embedded engine, an OCI runtime installed under that name. Applies at the next deploy.</p>
      <ErrorText error={update.error} />
    </div>
  );
}
