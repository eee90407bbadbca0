"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import type { ProjectQuotaDto, TeamQuotaDto } from "@/server/quotas/schemas";
import { QuotaMeter } from "./quota-meter";
import { useQuota, useUpdateProjectQuota } from "./queries";

/** An empty field means "no limit of its own" (null). */
function limitValue(f: FormData, key: string): number | null {
  const v = String(f.get(key) ?? "").trim();
  return v === "" ? null : Number(v);
}

function ProjectLimitsForm({ project, onDone }: { project: ProjectQuotaDto; onDone: () => void }) {
  const update = useUpdateProjectQuota();
  const id = (k: string) => `pq-${project.id}-${k}`;
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    update.mutate(
      { projectId: project.id, limits: { cpuMillicores: limitValue(f, "cpu"), memoryMib: limitValue(f, "memory"), storageGib: limitValue(f, "storage"), maxApps: limitValue(f, "apps") } },
      { onSuccess: onDone },
    );
  }
  const l = project.limits;
  return (
    <form onSubmit={onSubmit} className="mt-3 grid grid-cols-2 gap-3 rounded-md bg-slate-50 p-3" data-testid={`project-limits-form-${project.slug}`}>
      <Field label="CPU (millicores)" htmlFor={id("cpu")}><Input id={id("cpu")} name="cpu" type="number" min={0} placeholder="no limit" defaultValue={l.cpuMillicores ?? ""} /></Field>
      <Field label="Memory (MiB)" htmlFor={id("memory")}><Input id={id("memory")} name="memory" type="number" min={0} placeholder="no limit" defaultValue={l.memoryMib ?? ""} /></Field>
      <Field label="Storage (GiB)" htmlFor={id("storage")}><Input id={id("storage")} name="storage" type="number" min={0} placeholder="no limit" defaultValue={l.storageGib ?? ""} /></Field>
      <Field label="Apps" htmlFor={id("apps")}><Input id={id("apps")} name="apps" type="number" min={0} placeholder="no limit" defaultValue={l.maxApps ?? ""} /></Field>
      <div className="col-span-2 flex items-center gap-2">
        <Button type="submit" size="sm" disabled={update.isPending}>Save limits</Button>
        <Button type="button" size="sm" variant="ghost" onClick={onDone}>Cancel</Button>
        <span className="text-xs text-slate-500">Empty = only the team&apos;s quota applies.</span>
      </div>
      <div className="col-span-2"><ErrorText error={update.error} /></div>
    </form>
  );
}

function ProjectRow({ project, data, canEdit }: { project: ProjectQuotaDto; data: TeamQuotaDto; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const apps = data.apps.filter((a) => a.projectId === project.id);
  return (
    <li className="py-4" data-testid={`project-quota-${project.slug}`}>
      <div className="mb-2 flex items-center justify-between">
        <span className="font-medium">{project.slug}</span>
        {canEdit && !editing ? <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>Set limits</Button> : null}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <QuotaMeter label="CPU" used={project.usage.cpuMillicores} limit={project.limits.cpuMillicores} scale={data.quota.cpuMillicores} unit="millicores" />
        <QuotaMeter label="Memory" used={project.usage.memoryMib} limit={project.limits.memoryMib} scale={data.quota.memoryMib} unit="MiB" />
        <QuotaMeter label="Apps" used={project.usage.apps} limit={project.limits.maxApps} scale={data.quota.maxApps} unit="" />
        <QuotaMeter label="Storage" used={project.usage.storageGib} limit={project.limits.storageGib} scale={data.quota.storageGib} unit="GiB" />
      </div>
      {editing ? <ProjectLimitsForm project={project} onDone={() => setEditing(false)} /> : null}
      {apps.length ? (
        <table className="mt-3 w-full text-xs">
          <thead className="text-left text-slate-500">
            <tr><th className="py-1 font-normal">App</th><th className="font-normal">Replicas</th><th className="w-1/3 font-normal">CPU (millicores)</th><th className="w-1/3 font-normal">Memory (MiB)</th></tr>
          </thead>
          <tbody>
            {apps.map((a) => (
              <tr key={a.id} className="border-t border-slate-100" data-testid={`app-quota-${a.slug}`}>
                <td className="py-1 pr-2">{a.slug}</td>
                <td>{a.replicas}</td>
                <td className="pr-3"><QuotaMeter label="" used={a.cpuMillicores} limit={null} scale={project.limits.cpuMillicores ?? data.quota.cpuMillicores} unit="" /></td>
                <td><QuotaMeter label="" used={a.memoryMib} limit={null} scale={project.limits.memoryMib ?? data.quota.memoryMib} unit="" /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </li>
  );
}

/** How the team's quota divides between projects and apps; admins set per-project limits. */
export function QuotaBreakdown({ canEdit }: { canEdit: boolean }) {
  const q = useQuota();
  return (
    <Card className="lg:col-span-2">
      <CardTitle>Usage by project and app</CardTitle>
      <p className="text-xs text-slate-500">
        A project&apos;s limits divide the team&apos;s quota (none = only the team&apos;s quota applies). An app counts what it runs: its live and rolling-out
        releases&apos; size times its replicas, or its settings while a deploy is queued.
      </p>
      <ErrorText error={q.error} />
      {q.data ? (
        q.data.projects.length ? (
          <ul className="divide-y divide-slate-100 text-sm">
            {q.data.projects.map((p) => <ProjectRow key={p.id} project={p} data={q.data} canEdit={canEdit} />)}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-500">No projects yet.</p>
        )
      ) : null}
    </Card>
  );
}
