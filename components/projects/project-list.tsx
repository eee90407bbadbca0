"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { useCreateProject, useProjects } from "./queries";
import { RuntimeTargetSelect } from "./runtime-target-select";

export function ProjectList() {
  const projects = useProjects();
  const create = useCreateProject();
  const [slug, setSlug] = useState("");
  const [runtimeTarget, setRuntimeTarget] = useState("embedded");

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ slug, runtimeTarget }, { onSuccess: () => setSlug("") });
  }

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Projects</h1>
      <Card>
        <CardTitle>New project</CardTitle>
        <form onSubmit={onSubmit} className="flex items-end gap-3">
          <div className="flex-1">
            <Field label="Project name" htmlFor="project-slug" hint="Lowercase letters, digits and '-' (it becomes part of hostnames).">
              <Input id="project-slug" value={slug} onChange={(e) => setSlug(e.target.value)} placeholder="shop" required />
            </Field>
          </div>
          <div className="w-56">
            <Field label="Runtime" htmlFor="project-runtime" hint="Where its apps run.">
              <RuntimeTargetSelect id="project-runtime" value={runtimeTarget} onChange={setRuntimeTarget} />
            </Field>
          </div>
          <Button type="submit" disabled={create.isPending} className="mb-5">Create project</Button>
        </form>
        <ErrorText error={create.error} />
      </Card>
      {projects.isPending ? <p className="text-sm text-slate-500">Loading projects…</p> : null}
      <ErrorText error={projects.error} />
      <ul className="grid gap-3 sm:grid-cols-2">
        {projects.data?.map((p) => (
          <li key={p.id}>
            <Link href={`/projects/${p.id}`} className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-slate-400">
              <div className="font-medium">{p.slug}</div>
              <div className="text-xs text-slate-500">{p.appCount} app(s) · runtime {p.runtimeTarget}</div>
            </Link>
          </li>
        ))}
      </ul>
      {projects.data?.length === 0 ? <p className="text-sm text-slate-500">No projects yet. Create one to deploy your first app.</p> : null}
    </div>
  );
}
