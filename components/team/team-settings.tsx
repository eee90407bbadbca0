"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { QuotaCard } from "./quota-card";
import { ApiTokensCard } from "./api-tokens-card";
import { useAddMember, useMe, useMembers, usePlatformSettings, useUpdatePlatformSettings } from "./queries";

function Members({ canManage }: { canManage: boolean }) {
  const members = useMembers();
  const add = useAddMember();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("DEVELOPER");
  return (
    <Card>
      <CardTitle>Members</CardTitle>
      <ul className="mb-4 divide-y divide-slate-100 text-sm">
        {members.data?.map((m) => (
          <li key={m.userId} className="flex justify-between py-2"><span>{m.email}</span><span className="text-slate-500">{m.role.toLowerCase()}</span></li>
        ))}
      </ul>
      {canManage ? (
        <form onSubmit={(e) => { e.preventDefault(); add.mutate({ email, role }, { onSuccess: () => setEmail("") }); }} className="flex items-end gap-2">
          <div className="flex-1"><Field label="Add a user by email" htmlFor="member-email"><Input id="member-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required /></Field></div>
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value)} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
            {["VIEWER", "DEVELOPER", "ADMIN", "OWNER"].map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
          </select>
          <Button type="submit" variant="secondary">Add</Button>
        </form>
      ) : null}
      <ErrorText error={add.error} />
    </Card>
  );
}

function PlatformSettings() {
  const settings = usePlatformSettings();
  const update = useUpdatePlatformSettings();
  if (!settings.data) return null;
  return (
    <Card>
      <CardTitle>Platform settings (platform admin)</CardTitle>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="allow-local-sources" checked={settings.data.allowLocalGitSources} onChange={(e) => update.mutate({ allowLocalGitSources: e.target.checked })} />
        Allow local repositories (paths and file:// URLs on this machine)
      </label>
      <label className="mt-2 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={settings.data.allowPrivateGitHosts} onChange={(e) => update.mutate({ allowPrivateGitHosts: e.target.checked })} />
        Allow git hosts on loopback and private networks
      </label>
      <ErrorText error={update.error} />
    </Card>
  );
}

export function TeamSettings() {
  const me = useMe();
  const role = me.data?.team.role ?? "VIEWER";
  const isAdmin = role === "OWNER" || role === "ADMIN";
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Team {me.data?.team.slug}</h1>
      <div className="grid gap-6 lg:grid-cols-2">
        <QuotaCard />
        <Members canManage={isAdmin} />
        {me.data ? <ApiTokensCard role={role} isAdmin={isAdmin} /> : null}
        {me.data?.user.isPlatformAdmin ? <PlatformSettings /> : null}
      </div>
    </div>
  );
}
