import { route } from "@/server/http";
import { listMyTeams } from "@/server/teams/list-my-teams";

export const GET = route("read", async ({ actor }) => ({
  user: { id: actor.userId, email: actor.email, isPlatformAdmin: actor.isPlatformAdmin },
  team: { id: actor.teamId, slug: actor.teamSlug, role: actor.role },
  teams: await listMyTeams({ actor }),
}));
