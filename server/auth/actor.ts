// Who is acting and in which team: every service takes one of these and scopes by actor.teamId.
import type { RoleName } from "./permissions";

export interface Actor {
  userId: string;
  email: string;
  isPlatformAdmin: boolean;
  teamId: string;
  teamSlug: string;
  role: RoleName;
}
