import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "@/components/ui/logo";
import { TeamSwitcher } from "@/components/team/team-switcher";
import { listMyTeams } from "@/server/teams/list-my-teams";
import { requirePageActor } from "@/server/auth/page-actor";
import { can } from "@/server/auth/permissions";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  const teams = await listMyTeams({ actor });
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
          <Link href="/" className="text-lg"><Logo /></Link>
          <nav className="flex gap-4 text-sm text-slate-600">
            <Link href="/" className="hover:text-slate-900">Projects</Link>
            <Link href="/volumes" className="hover:text-slate-900">Volumes</Link>
            <Link href="/team" className="hover:text-slate-900">Team</Link>
            <Link href="/clusters" className="hover:text-slate-900">Clusters</Link>
            {actor.isPlatformAdmin ? <Link href="/platform" className="hover:text-slate-900">Platform</Link> : null}
            {can(actor, "team:audit") || actor.isPlatformAdmin ? <Link href="/audit" className="hover:text-slate-900">Audit</Link> : null}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
            <span data-testid="current-team">team <strong>{actor.teamSlug}</strong> · {actor.role.toLowerCase()}</span>
            <TeamSwitcher teams={teams} current={actor.teamSlug} />
            <span>{actor.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}
