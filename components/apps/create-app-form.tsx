"use client";

import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { useCreateApp } from "./queries";

export function CreateAppForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const create = useCreateApp(projectId);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (name: string) => Number(f.get(name));
    create.mutate(
      {
        slug: String(f.get("slug")),
        gitUrl: String(f.get("gitUrl")),
        gitBranch: String(f.get("gitBranch")),
        dockerfilePath: String(f.get("dockerfilePath")),
        containerPort: num("containerPort"),
        cpuMillicores: num("cpuMillicores"),
        memoryMib: num("memoryMib"),
        replicas: num("replicas"),
      },
      { onSuccess: (app) => router.push(`/apps/${app.id}`) },
    );
  }

  return (
    <Card>
      <CardTitle>New app from a git repository</CardTitle>
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2">
        <Field label="App name" htmlFor="app-slug" hint="A DNS label: lowercase letters, digits, '-'.">
          <Input id="app-slug" name="slug" required placeholder="web" />
        </Field>
        <Field label="Repository URL" htmlFor="app-git-url" hint="https://… (local paths only if the platform admin allows them).">
          <Input id="app-git-url" name="gitUrl" required placeholder="https://git.example.com/team/web.git" />
        </Field>
        <Field label="Branch" htmlFor="app-branch">
          <Input id="app-branch" name="gitBranch" defaultValue="main" required />
        </Field>
        <Field label="Dockerfile path" htmlFor="app-dockerfile">
          <Input id="app-dockerfile" name="dockerfilePath" defaultValue="Dockerfile" required />
        </Field>
        <Field label="Container port" htmlFor="app-port">
          <Input id="app-port" name="containerPort" type="number" defaultValue={8080} min={1} max={65535} required />
        </Field>
        <Field label="Replicas" htmlFor="app-replicas">
          <Input id="app-replicas" name="replicas" type="number" defaultValue={1} min={1} max={20} required />
        </Field>
        <Field label="CPU (millicores)" htmlFor="app-cpu">
          <Input id="app-cpu" name="cpuMillicores" type="number" defaultValue={250} min={10} required />
        </Field>
        <Field label="Memory (MiB)" htmlFor="app-memory">
          <Input id="app-memory" name="memoryMib" type="number" defaultValue={256} min={16} required />
        </Field>
        <div className="sm:col-span-2">
          <ErrorText error={create.error} />
          <Button type="submit" disabled={create.isPending} className="mt-2">{create.isPending ? "Checking the repository…" : "Create app"}</Button>
        </div>
      </form>
    </Card>
  );
}
