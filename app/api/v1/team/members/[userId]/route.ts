import { parseBody, route } from "@/server/http";
import { changeMemberRole } from "@/server/teams/change-member-role";
import { removeMember } from "@/server/teams/remove-member";
import { changeMemberRoleInput } from "@/server/teams/schemas";

type Params = { userId: string };

export const PATCH = route<Params>("team:members", async ({ req, params, actor }) =>
  changeMemberRole({ actor, userId: params.userId, input: await parseBody(req, changeMemberRoleInput) }),
);

export const DELETE = route<Params>("team:members", ({ params, actor }) => removeMember({ actor, userId: params.userId }));
