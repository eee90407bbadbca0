"use client";

import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { useInvitations, useRevokeInvitation } from "./queries";

export function InvitationList({ canRevoke }: { canRevoke: (role: string) => boolean }) {
  const invitations = useInvitations();
  const revoke = useRevokeInvitation();
  if (!invitations.data?.length) return null;
  return (
    <div className="mt-4">
      <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">Pending invitations</h3>
      <ul className="divide-y divide-slate-100 text-sm" data-testid="pending-invitations">
        {invitations.data.map((i) => (
          <li key={i.id} className="flex items-center justify-between gap-2 py-2">
            <span>
              {i.email} <span className="text-slate-500">· {i.role.toLowerCase()} · expires {new Date(i.expiresAt).toLocaleDateString()}</span>
            </span>
            {canRevoke(i.role) ? (
              <Button size="sm" variant="ghost" disabled={revoke.isPending} onClick={() => revoke.mutate(i.id)}>Revoke</Button>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorText error={revoke.error ?? invitations.error} />
    </div>
  );
}
