import { z } from "zod";
import { roles } from "../auth/permissions";

export const changeMemberRoleInput = z.object({
  role: z.enum(roles),
});
export type ChangeMemberRoleInput = z.infer<typeof changeMemberRoleInput>;

export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: string;
}

export interface TeamDto {
  id: string;
  slug: string;
  name: string;
  role: string;
}
