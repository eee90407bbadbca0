"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { ShownOnce } from "@/components/ui/shown-once";
import type { ApiTokenDto, CreatedApiTokenDto } from "@/server/auth/api-tokens/schemas";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "./queries";

const ROLES = ["VIEWER", "DEVELOPER", "ADMIN", "OWNER"] as const;

function when(iso: string | null, never = "never"): string {
  return iso ? new Date(iso).toLocaleString() : never;
}

function tokenState(t: ApiTokenDto): { label: string; tone: "neutral" | "success" | "failure" | "warning" } {
  if (t.revokedAt) return { label: "revoked", tone: "failure" };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now()) return { label: "expired", tone: "warning" };
  return { label: "active", tone: "success" };
}

/** The one moment the token is visible: the server keeps only its hash. */
function NewToken({ created, onDone }: { created: CreatedApiTokenDto; onDone: () => void }) {
  return (
    <ShownOnce
      value={created.token}
      label="New API token"
      testId="new-api-token"
      className="mb-4"
      onDone={onDone}
      footer={<>Use it as <code>Authorization: Bearer &lt;token&gt;</code> on /api/v1.</>}
    >
      Copy the token for “{created.name}” now: it will not be shown again.
    </ShownOnce>
  );
}

export function ApiTokensCard({ role, isAdmin }: { role: string; isAdmin: boolean }) {
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [created, setCreated] = useState<CreatedApiTokenDto | null>(null);
  const rank = ROLES.indexOf(role as (typeof ROLES)[number]);
  const assignable = ROLES.filter((_, i) => i <= rank);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const days = String(f.get("expiresInDays") ?? "");
    create.mutate(
      { name: String(f.get("name") ?? ""), role: f.get("role") as (typeof ROLES)[number], expiresInDays: days ? Number(days) : null },
      {
        onSuccess: (t) => {
          setCreated(t);
          form.reset();
        },
      },
    );
  }

  return (
    <Card data-testid="api-tokens-card">
      <CardTitle>API tokens</CardTitle>
      <p className="mb-3 text-sm text-slate-500">
        For scripts and CI: a token acts in this team with its role, never above your own current role.
        {isAdmin ? " As an admin you see and can revoke every member's tokens." : ""}
      </p>
      {created ? <NewToken created={created} onDone={() => setCreated(null)} /> : null}
      <form onSubmit={onSubmit} className="mb-4 grid grid-cols-[1fr_auto_auto_auto] items-end gap-2">
        <Field label="Name" htmlFor="token-name"><Input id="token-name" name="name" required maxLength={60} placeholder="ci-deploy" /></Field>
        <Field label="Role" htmlFor="token-role">
          <select id="token-role" name="role" defaultValue={assignable.includes("DEVELOPER") ? "DEVELOPER" : "VIEWER"} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
            {assignable.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
          </select>
        </Field>
        <Field label="Expires in (days)" htmlFor="token-expiry"><Input id="token-expiry" name="expiresInDays" type="number" min={1} max={3650} placeholder="never" className="w-28" /></Field>
        <Button type="submit" variant="secondary" disabled={create.isPending}>Create</Button>
      </form>
      <ErrorText error={create.error ?? revoke.error ?? tokens.error} />
      <ul className="divide-y divide-slate-100 text-sm" data-testid="api-tokens">
        {tokens.data?.length === 0 ? <li className="py-2 text-slate-500">No tokens yet.</li> : null}
        {tokens.data?.map((t) => {
          const state = tokenState(t);
          return (
            <li key={t.id} className="flex items-center justify-between gap-3 py-2">
              <div className="min-w-0">
                <div className="flex items-center gap-2">
                  <span className="font-medium">{t.name}</span>
                  <code className="text-xs text-slate-500">{t.prefix}…</code>
                  <Badge>{t.role.toLowerCase()}</Badge>
                  <Badge tone={state.tone}>{state.label}</Badge>
                </div>
                <div className="text-xs text-slate-500">
                  {isAdmin ? `${t.owner.email} · ` : ""}created {when(t.createdAt)} · expires {when(t.expiresAt)} · last used {when(t.lastUsedAt)}
                </div>
              </div>
              {state.label === "active" ? (
                <Button type="button" size="sm" variant="ghost" disabled={revoke.isPending} onClick={() => revoke.mutate(t.id)}>Revoke</Button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
