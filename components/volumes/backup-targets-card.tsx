"use client";

// The team's S3-compatible backup targets (team admins). The secret key is sent once and stored
// encrypted; the API never returns it. A volume chooses its target in its backup schedule; without
// one, backups go to the platform's local backup directory.
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { useBackupTargets, useCreateBackupTarget, useDeleteBackupTarget } from "./queries";

export function BackupTargetsCard() {
  const targets = useBackupTargets();
  const create = useCreateBackupTarget();
  const remove = useDeleteBackupTarget();

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    create.mutate(
      {
        name: text("name"),
        endpoint: text("endpoint"),
        region: text("region"),
        bucket: text("bucket"),
        prefix: text("prefix"),
        accessKeyId: text("accessKeyId"),
        secretAccessKey: String(f.get("secretAccessKey") ?? ""),
        forcePathStyle: f.get("forcePathStyle") === "on",
      },
      { onSuccess: () => form.reset() },
    );
  }

  return (
    <Card data-testid="backup-targets">
      <CardTitle>Backup targets (team admins)</CardTitle>
      <p className="mb-3 text-sm text-slate-500">S3-compatible object storage a volume can back up to. Without one, backups go to the platform&apos;s local backup directory.</p>
      <ErrorText error={targets.error ?? remove.error} />
      <ul className="mb-4 divide-y divide-slate-100">
        {targets.data?.targets.map((t) => (
          <li key={t.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid={`backup-target-${t.name}`}>
            <span className="font-medium">{t.name}</span>
            <span className="font-mono text-xs text-slate-600">{t.endpoint}/{t.bucket}{t.prefix ? `/${t.prefix}` : ""}</span>
            <span className="text-xs text-slate-500">key {t.accessKeyId}{t.forcePathStyle ? " · path-style" : ""}</span>
            <Button size="sm" variant="ghost" className="ml-auto text-red-700" disabled={remove.isPending} onClick={() => remove.mutate(t.id)}>Delete</Button>
          </li>
        ))}
      </ul>
      <form onSubmit={onSubmit} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Target name" htmlFor="target-name">
            <Input id="target-name" name="name" placeholder="offsite" required />
          </Field>
          <Field label="Endpoint URL" htmlFor="target-endpoint" hint="https://s3.example.com; private addresses only when the platform admin allows them.">
            <Input id="target-endpoint" name="endpoint" type="url" placeholder="https://s3.example.com" required />
          </Field>
          <Field label="Region" htmlFor="target-region">
            <Input id="target-region" name="region" placeholder="us-east-1" defaultValue="us-east-1" />
          </Field>
          <Field label="Bucket" htmlFor="target-bucket">
            <Input id="target-bucket" name="bucket" required />
          </Field>
          <Field label="Key prefix (optional)" htmlFor="target-prefix">
            <Input id="target-prefix" name="prefix" placeholder="slipway/" />
          </Field>
          <Field label="Access key ID" htmlFor="target-access-key">
            <Input id="target-access-key" name="accessKeyId" required autoComplete="off" />
          </Field>
          <Field label="Secret access key" htmlFor="target-secret" hint="Stored encrypted; never shown again.">
            <Input id="target-secret" name="secretAccessKey" type="password" required autoComplete="new-password" />
          </Field>
          <label htmlFor="target-path-style" className="flex items-center gap-2 self-center text-sm text-slate-700">
            <input id="target-path-style" name="forcePathStyle" type="checkbox" defaultChecked />
            Path-style addressing (most self-hosted S3 servers)
          </label>
        </div>
        <ErrorText error={create.error} />
        <Button type="submit" disabled={create.isPending}>{create.isPending ? "Adding…" : "Add backup target"}</Button>
      </form>
    </Card>
  );
}
