"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input, Textarea } from "@/components/ui/input";
import type { AppDto } from "@/server/apps/schemas";
import { useUpdateApp } from "./queries";

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`"${line}" is not KEY=value.`);
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

/** Settings apply at the next deploy. Env values are write-only: only the names come back. */
export function AppSettingsForm({ app }: { app: AppDto }) {
  const update = useUpdateApp(app.id);
  const [envError, setEnvError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const envText = String(f.get("env") ?? "");
    let env: Record<string, string> | undefined;
    try {
      env = envText.trim() ? parseEnv(envText) : undefined;
      setEnvError(null);
    } catch (err) {
      setEnvError((err as Error).message);
      return;
    }
    setSaved(false);
    update.mutate(
      { cpuMillicores: Number(f.get("cpu")), memoryMib: Number(f.get("memory")), replicas: Number(f.get("replicas")), containerPort: Number(f.get("port")), healthCheckPath: String(f.get("health")), env },
      { onSuccess: () => setSaved(true) },
    );
  }

  return (
    <Card>
      <CardTitle>Settings</CardTitle>
      <form onSubmit={onSubmit} className="grid grid-cols-2 gap-3">
        <Field label="CPU (millicores)" htmlFor="set-cpu"><Input id="set-cpu" name="cpu" type="number" defaultValue={app.cpuMillicores} /></Field>
        <Field label="Memory (MiB)" htmlFor="set-memory"><Input id="set-memory" name="memory" type="number" defaultValue={app.memoryMib} /></Field>
        <Field label="Replicas" htmlFor="set-replicas"><Input id="set-replicas" name="replicas" type="number" defaultValue={app.replicas} /></Field>
        <Field label="Container port" htmlFor="set-port"><Input id="set-port" name="port" type="number" defaultValue={app.containerPort} /></Field>
        <div className="col-span-2">
          <Field label="Health check path" htmlFor="set-health"><Input id="set-health" name="health" defaultValue={app.healthCheckPath} /></Field>
        </div>
        <div className="col-span-2">
          <Field label="Environment (KEY=value per line; replaces all, leave empty to keep)" htmlFor="set-env" hint={app.envKeys.length ? `Set: ${app.envKeys.join(", ")}` : "None set."}>
            <Textarea id="set-env" name="env" rows={3} placeholder="DATABASE_URL=…" />
          </Field>
        </div>
        <div className="col-span-2">
          <ErrorText error={envError ?? update.error} />
          <Button type="submit" variant="secondary" disabled={update.isPending}>Save settings</Button>
          {saved ? <span className="ml-3 text-sm text-emerald-700">Saved: deploy to apply.</span> : null}
        </div>
      </form>
    </Card>
  );
}
