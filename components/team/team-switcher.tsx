"use client";

import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { TEAM_COOKIE } from "@/server/teams/constants";

/** Makes later requests act in `slug` (a team the user belongs to; any other falls back to their first team). */
export function switchTeam(slug: string): void {
  // Secure over https, like the session cookie, so it never travels in clear text.
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${TEAM_COOKIE}=${encodeURIComponent(slug)}; path=/; max-age=31536000; samesite=lax${secure}`;
}

export interface TeamOption {
  slug: string;
  name: string;
  role: string;
}

export function TeamSwitcher({ teams, current }: { teams: TeamOption[]; current: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  if (teams.length < 2) return null;
  return (
    <label className="flex items-center gap-1">
      <span className="sr-only">Switch team</span>
      <select
        aria-label="Switch team"
        data-testid="team-switcher"
        value={current}
        onChange={(e) => {
          switchTeam(e.target.value);
          // Everything cached belongs to the previous team.
          qc.clear();
          router.push("/");
          router.refresh();
        }}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
      >
        {teams.map((t) => (
          <option key={t.slug} value={t.slug}>{t.slug} · {t.role.toLowerCase()}</option>
        ))}
      </select>
    </label>
  );
}
