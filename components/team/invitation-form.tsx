"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { ShownOnce } from "@/components/ui/shown-once";
import type { CreatedInvitationDto } from "@/server/invitations/schemas";
import { useCreateInvitation } from "./queries";

/** The one moment the link is visible: the server keeps only its hash. */
function NewInvitationLink({ created, onDone }: { created: CreatedInvitationDto; onDone: () => void }) {
  return (
    <ShownOnce value={created.link} label="Invitation link" testId="new-invitation-link" className="mt-3" onDone={onDone}>
      Send this link to {created.invitation.email} yourself: it is shown only now, works once, and expires {new Date(created.invitation.expiresAt).toLocaleString()}.
    </ShownOnce>
  );
}

export function InvitationForm({ assignableRoles }: { assignableRoles: readonly string[] }) {
  const create = useCreateInvitation();
  const [created, setCreated] = useState<CreatedInvitationDto | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState(assignableRoles.includes("DEVELOPER") ? "DEVELOPER" : (assignableRoles[0] ?? "VIEWER"));

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({ email, role }, { onSuccess: (d) => { setCreated(d); setEmail(""); } });
  }

  return (
    <div>
      <form onSubmit={onSubmit} className="flex items-end gap-2">
        <div className="flex-1">
          <Field label="Invite by email" htmlFor="invite-email">
            <Input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </Field>
        </div>
        <select aria-label="Invited role" value={role} onChange={(e) => setRole(e.target.value)} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
          {assignableRoles.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
        </select>
        <Button type="submit" variant="secondary" disabled={create.isPending}>Create link</Button>
      </form>
      <ErrorText error={create.error} />
      {created ? <NewInvitationLink created={created} onDone={() => setCreated(null)} /> : null}
    </div>
  );
}
