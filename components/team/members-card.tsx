"use client";

import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { InvitationForm } from "./invitation-form";
import { InvitationList } from "./invitation-list";
import { useChangeMemberRole, useLeaveTeam, useMembers, useRemoveMember, type MeDto } from "./queries";

// Lowest to highest, as server/auth/permissions.ts ranks them.
const ROLES = ["VIEWER", "DEVELOPER", "ADMIN", "OWNER"] as const;
const roleRank = (role: string) => ROLES.indexOf(role as (typeof ROLES)[number]);

/**
 * Members of the current team. Only what the server would allow is offered: role choices up to
 * one's own rank, and changes only to members not ranked above oneself (the server enforces it
 * all again, including that the last owner stays).
 */
export function MembersCard({ me }: { me: MeDto }) {
  const router = useRouter();
  const qc = useQueryClient();
  const members = useMembers();
  const changeRole = useChangeMemberRole();
  const remove = useRemoveMember();
  const leave = useLeaveTeam();
  const myRole = me.team.role;
  const canManage = myRole === "OWNER" || myRole === "ADMIN";
  const assignable = ROLES.filter((r) => roleRank(r) <= roleRank(myRole)).reverse();
  const canActOn = (role: string) => canManage && roleRank(role) <= roleRank(myRole);

  return (
    <Card>
      <CardTitle>Members</CardTitle>
      <ul className="mb-4 divide-y divide-slate-100 text-sm" data-testid="members">
        {members.data?.map((m) => {
          const isMe = m.userId === me.user.id;
          return (
            <li key={m.userId} className="flex items-center justify-between gap-2 py-2">
              <span className="min-w-0 truncate">
                {m.email}
                {isMe ? <span className="text-slate-500"> (you)</span> : null}
              </span>
              <span className="flex items-center gap-2">
                {canActOn(m.role) ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value })}
                    className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
                  >
                    {assignable.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                  </select>
                ) : (
                  <span className="text-slate-500">{m.role.toLowerCase()}</span>
                )}
                {canActOn(m.role) && !isMe ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Remove ${m.email} from team ${me.team.slug}?`)) remove.mutate(m.userId);
                    }}
                  >
                    Remove
                  </Button>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
      <ErrorText error={changeRole.error ?? remove.error ?? members.error} />
      {canManage ? (
        <>
          <InvitationForm assignableRoles={assignable} />
          <InvitationList canRevoke={(role) => roleRank(role) <= roleRank(myRole)} />
        </>
      ) : null}
      <div className="mt-4 border-t border-slate-100 pt-3">
        <Button
          size="sm"
          variant="secondary"
          disabled={leave.isPending}
          onClick={() => {
            if (!window.confirm(`Leave team ${me.team.slug}? You will need a new invitation to come back.`)) return;
            leave.mutate(undefined, {
              onSuccess: () => {
                // The next request falls back to another of your teams (or says you have none).
                qc.clear();
                router.push("/");
                router.refresh();
              },
            });
          }}
        >
          Leave team
        </Button>
        <ErrorText error={leave.error} />
      </div>
    </Card>
  );
}
