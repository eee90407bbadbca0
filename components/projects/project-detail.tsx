"use client";

import Link from "next/link";
import { Card, CardTitle } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { ErrorText } from "@/components/ui/error-text";
import { useApps } from "@/components/apps/queries";
import { CreateAppForm } from "@/components/apps/create-app-form";
import { useProject } from "./queries";
import { ProjectRuntimeClass, ProjectRuntimeTarget } from "./runtime-target-select";

export function ProjectDetail({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const apps = useApps(projectId);
  if (project.error) return <ErrorText error={project.error} />;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/" className="text-sm text-slate-500 hover:underline">← Projects</Link>
        <h1 className="text-2xl font-semibold">{project.data?.slug ?? "…"}</h1>
        {project.data ? <ProjectRuntimeTarget project={project.data} /> : null}
        {project.data ? <ProjectRuntimeClass project={project.data} /> : null}
      </div>
      <Card>
        <CardTitle>Apps</CardTitle>
        <ErrorText error={apps.error} />
        {apps.data?.length === 0 ? <p className="text-sm text-slate-500">No apps yet.</p> : null}
        <ul className="divide-y divide-slate-100">
          {apps.data?.map((a) => (
            <li key={a.id} className="flex items-center gap-3 py-2">
              <Link href={`/apps/${a.id}`} className="font-medium hover:underline">{a.slug}</Link>
              <span className="truncate text-xs text-slate-500">{a.gitUrl} @ {a.gitBranch}</span>
              <span className="ml-auto">{a.liveRelease ? <Badge tone="success">live v{a.liveRelease.version}</Badge> : <Badge>not deployed</Badge>}</span>
            </li>
          ))}
        </ul>
      </Card>
      <CreateAppForm projectId={projectId} />
    </div>
  );
}
