"use client";

// The most a team admin may set for the team's log retention (days and MiB); teams above a lowered
// maximum keep their setting until they change it, and the janitor applies the lower of the two.
import { useState, type FormEvent } from "react";
import { ApiError } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import type { PlatformSettingsDto } from "@/server/settings/schemas";
import { usePlatformSettings, useUpdatePlatformSettings } from "@/components/team/queries";

function fieldError(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError) || !error.fields) return null;
  return error.fields.filter((f) => f.path === field).map((f) => f.message).join("; ") || null;
}

export function LogRetentionLimitsCard() {
  const settings = usePlatformSettings();
  // Kept here, not in the form: a saved change remounts the form (its fields start from the new values).
  const update = useUpdatePlatformSettings();
  const [saved, setSaved] = useState(false);
  if (!settings.data) return null;
  return <LimitsForm key={`${settings.data.maxLogRetentionDays}/${settings.data.maxLogRetentionMib}`} initial={settings.data} update={update} saved={saved} setSaved={setSaved} />;
}

function LimitsForm({ initial, update, saved, setSaved }: {
  initial: PlatformSettingsDto;
  update: ReturnType<typeof useUpdatePlatformSettings>;
  saved: boolean;
  setSaved: (saved: boolean) => void;
}) {
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const f = new FormData(e.currentTarget);
    update.mutate({ maxLogRetentionDays: Number(f.get("maxLogRetentionDays")), maxLogRetentionMib: Number(f.get("maxLogRetentionMib")) }, { onSuccess: () => setSaved(true) });
  }
  const daysError = fieldError(update.error, "maxLogRetentionDays");
  const mibError = fieldError(update.error, "maxLogRetentionMib");
  return (
    <Card>
      <CardTitle>Log retention maximums</CardTitle>
      <form onSubmit={onSubmit} className="space-y-3 text-sm" data-testid="log-retention-limits">
        <p className="text-xs text-slate-600">The most any team admin may set for how long and how much of their team&apos;s runtime logs are kept.</p>
        <div className="grid grid-cols-2 gap-3 lg:max-w-xl">
          <Field label="Maximum days" htmlFor="max-log-days">
            <Input id="max-log-days" name="maxLogRetentionDays" type="number" min={1} defaultValue={initial.maxLogRetentionDays} required aria-invalid={daysError ? true : undefined} />
            {daysError ? <p className="mt-1 text-xs text-red-700">{daysError}</p> : null}
          </Field>
          <Field label="Maximum size per team (MiB)" htmlFor="max-log-mib">
            <Input id="max-log-mib" name="maxLogRetentionMib" type="number" min={1} defaultValue={initial.maxLogRetentionMib} required aria-invalid={mibError ? true : undefined} />
            {mibError ? <p className="mt-1 text-xs text-red-700">{mibError}</p> : null}
          </Field>
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="secondary" size="sm" disabled={update.isPending}>Save maximums</Button>
          {saved && !update.isPending ? <span className="text-xs text-emerald-700">Saved.</span> : null}
        </div>
        {update.error && !daysError && !mibError ? <ErrorText error={update.error} /> : null}
      </form>
    </Card>
  );
}
