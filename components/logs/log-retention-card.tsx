"use client";

// The team's log retention: how many days and how many MiB of runtime logs are kept (the older
// lines go first), within the maximums the platform admin set; and what the kept logs take now.
// Team admins change it; everyone sees it. The maximums are shown, not enforced by the browser:
// the server judges (422 with a message per field, shown under the field).
import { useState, type FormEvent } from "react";
import { ApiError } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { formatBytes } from "@/components/metrics/metric-format";
import type { LogRetentionDto } from "@/server/logs/schemas";
import { useLogRetention, useUpdateLogRetention } from "./queries";

function fieldError(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError) || !error.fields) return null;
  return error.fields.filter((f) => f.path === field || f.path.endsWith(`.${field}`)).map((f) => f.message).join("; ") || null;
}

function Usage({ usage }: { usage: LogRetentionDto["usage"] }) {
  if (!usage) return <p className="text-xs text-slate-600" data-testid="log-usage">What the kept logs take is not known right now (slipwayd did not answer).</p>;
  return (
    <p className="text-xs text-slate-600" data-testid="log-usage">
      Kept now: {formatBytes(usage.bytes)} in {usage.lines.toLocaleString("en")} lines{usage.oldest ? `, the oldest from ${new Date(usage.oldest).toLocaleString()}` : ""}.
    </p>
  );
}

export function LogRetentionCard({ canEdit }: { canEdit: boolean }) {
  const q = useLogRetention();
  // Kept here, not in the form: a saved change remounts the form (its fields start from the new values).
  const update = useUpdateLogRetention();
  const [saved, setSaved] = useState(false);
  return (
    <Card data-testid="log-retention">
      <CardTitle>Log retention</CardTitle>
      <ErrorText error={q.error} />
      {q.data ? <RetentionForm key={`${q.data.days}/${q.data.maxMib}`} value={q.data} canEdit={canEdit} update={update} saved={saved} setSaved={setSaved} /> : null}
    </Card>
  );
}

function RetentionForm({ value, canEdit, update, saved, setSaved }: {
  value: LogRetentionDto;
  canEdit: boolean;
  update: ReturnType<typeof useUpdateLogRetention>;
  saved: boolean;
  setSaved: (saved: boolean) => void;
}) {
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const f = new FormData(e.currentTarget);
    update.mutate({ days: Number(f.get("days")), maxMib: Number(f.get("maxMib")) }, { onSuccess: () => setSaved(true) });
  }
  const daysError = fieldError(update.error, "days");
  const mibError = fieldError(update.error, "maxMib");
  return (
    <form onSubmit={onSubmit} className="space-y-3 text-sm" data-testid="log-retention-form">
      <p className="text-xs text-slate-600">Runtime logs of every app are kept for this long and up to this size; the oldest lines are removed first.</p>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Keep for (days)" htmlFor="log-retention-days" hint={`At most ${value.platformMaxDays} (the platform's maximum).`}>
          <Input id="log-retention-days" name="days" type="number" min={1} defaultValue={value.days} required disabled={!canEdit} aria-invalid={daysError ? true : undefined} aria-describedby={daysError ? "log-retention-days-error" : undefined} />
          {daysError ? <p id="log-retention-days-error" className="mt-1 text-xs text-red-700" data-testid="log-retention-days-error">{daysError}</p> : null}
        </Field>
        <Field label="Keep at most (MiB)" htmlFor="log-retention-mib" hint={`At most ${value.platformMaxMib} (the platform's maximum).`}>
          <Input id="log-retention-mib" name="maxMib" type="number" min={1} defaultValue={value.maxMib} required disabled={!canEdit} aria-invalid={mibError ? true : undefined} aria-describedby={mibError ? "log-retention-mib-error" : undefined} />
          {mibError ? <p id="log-retention-mib-error" className="mt-1 text-xs text-red-700" data-testid="log-retention-mib-error">{mibError}</p> : null}
        </Field>
      </div>
      <Usage usage={value.usage} />
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" size="sm" variant="secondary" disabled={update.isPending}>Save retention</Button>
          {saved && !update.isPending ? <span className="text-xs text-emerald-700">Saved.</span> : null}
        </div>
      ) : (
        <p className="text-xs text-slate-600">Team admins change the retention.</p>
      )}
      {update.error && !daysError && !mibError ? <ErrorText error={update.error} /> : null}
    </form>
  );
}
