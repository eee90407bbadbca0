"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { AUDIT_ACTOR_TYPES } from "@/server/audit/constants";
import { emptyAuditFilters, type AuditFilters, type AuditScope } from "./queries";

const selectClass = "h-9 w-full rounded-md border border-slate-300 bg-white px-2 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-slate-400";

/** Filters apply on submit, so typing does not fire a request per keystroke. */
export function AuditFiltersForm({ scope, value, onApply }: { scope: AuditScope; value: AuditFilters; onApply: (f: AuditFilters) => void }) {
  const [draft, setDraft] = useState<AuditFilters>(value);
  const set = (key: keyof AuditFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }

  return (
    <form onSubmit={submit} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" aria-label="Audit log filters">
      <Field label="Action starts with" htmlFor="audit-action">
        <Input id="audit-action" placeholder="app, project.delete…" value={draft.action} onChange={set("action")} />
      </Field>
      <Field label="Actor" htmlFor="audit-actor">
        <Input id="audit-actor" placeholder="email or token name" value={draft.actor} onChange={set("actor")} />
      </Field>
      <Field label="Actor type" htmlFor="audit-actor-type">
        <select id="audit-actor-type" className={selectClass} value={draft.actorType} onChange={set("actorType")}>
          <option value="">any</option>
          {AUDIT_ACTOR_TYPES.map((t) => (
            <option key={t} value={t}>{t}</option>
          ))}
        </select>
      </Field>
      <Field label="Target type" htmlFor="audit-target-type">
        <Input id="audit-target-type" placeholder="app, project, user…" value={draft.targetType} onChange={set("targetType")} />
      </Field>
      <Field label="From" htmlFor="audit-from">
        <Input id="audit-from" type="datetime-local" value={draft.from} onChange={set("from")} />
      </Field>
      <Field label="To" htmlFor="audit-to">
        <Input id="audit-to" type="datetime-local" value={draft.to} onChange={set("to")} />
      </Field>
      {scope === "platform" ? (
        <Field label="Team" htmlFor="audit-team" hint='a team slug, or "platform" for platform-wide events'>
          <Input id="audit-team" placeholder="any team" value={draft.team} onChange={set("team")} />
        </Field>
      ) : null}
      <div className="flex items-end gap-2">
        <Button type="submit">Apply</Button>
        <Button
          type="button"
          variant="ghost"
          onClick={() => {
            setDraft(emptyAuditFilters);
            onApply(emptyAuditFilters);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
