import { parseBody, route } from "@/server/http";
import { addMember } from "@/server/teams/add-member";
import { listMembers } from "@/server/teams/list-members";
import { addMemberInput } from "@/server/teams/schemas";

export const GET = route("read", ({ actor }) => listMembers({ actor }));

export const POST = route("team:members", async ({ req, actor }) => addMember({ actor, input: await parseBody(req, addMemberInput) }));
