"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import type { PlatformSettingsDto, SignupPolicy } from "@/server/settings/schemas";
import { usePlatformSettings, useUpdatePlatformSettings } from "@/components/team/queries";

const POLICIES: { value: SignupPolicy; label: string; hint: string }[] = [
  { value: "open", label: "Open", hint: "Anyone who can reach this page may sign up and gets a team of their own." },
  { value: "invite-only", label: "Invite only", hint: "Only people with an invitation link may sign up; they join the inviting team." },
  { value: "domains", label: "Allowed email domains", hint: "Addresses at the listed domains may sign up; anyone else needs an invitation link." },
];

/** The platform admin's sign-up policy (GET/PUT /api/v1/platform/settings). */
export function SignupPolicyCard() {
  const settings = usePlatformSettings();
  if (!settings.data) return null;
  return <SignupPolicyForm initial={settings.data} />;
}

function SignupPolicyForm({ initial }: { initial: PlatformSettingsDto }) {
  const update = useUpdatePlatformSettings();
  const [policy, setPolicy] = useState<SignupPolicy>(initial.signupPolicy);
  const [domains, setDomains] = useState(initial.allowedSignupDomains.join(", "));
  const [saved, setSaved] = useState(false);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const allowedSignupDomains = domains.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean);
    update.mutate({ signupPolicy: policy, allowedSignupDomains }, { onSuccess: () => setSaved(true) });
  }

  return (
    <Card>
      <CardTitle>Sign-up policy</CardTitle>
      <form onSubmit={onSubmit} className="space-y-3 text-sm" data-testid="signup-policy">
        {POLICIES.map((p) => (
          <label key={p.value} className="flex items-start gap-2">
            <input type="radio" name="signup-policy" value={p.value} checked={policy === p.value} onChange={() => setPolicy(p.value)} className="mt-1" />
            <span>
              <span className="font-medium">{p.label}</span>
              <span className="block text-xs text-slate-500">{p.hint}</span>
            </span>
          </label>
        ))}
        {policy === "domains" ? (
          <Field label="Allowed domains" htmlFor="signup-domains" hint="Comma-separated, e.g. example.com, example.org">
            <Input id="signup-domains" value={domains} onChange={(e) => setDomains(e.target.value)} placeholder="example.com" />
          </Field>
        ) : null}
        <div className="flex items-center gap-3">
          <Button type="submit" variant="secondary" disabled={update.isPending}>Save policy</Button>
          {saved && !update.isPending ? <span className="text-xs text-emerald-700">Saved.</span> : null}
        </div>
        <ErrorText error={update.error} />
      </form>
    </Card>
  );
}
