// Roles gate actions; tenancy (which team's records) is checked by the services.
export const roles = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const;
export type RoleName = (typeof roles)[number];

export type Permission =
  | "read"
  | "project:write"
  | "app:write"
  | "app:deploy"
  | "team:members"
  | "team:quota";

const grants: Record<RoleName, ReadonlySet<Permission>> = {
  VIEWER: new Set(["read"]),
  DEVELOPER: new Set(["read", "project:write", "app:write", "app:deploy"]),
  ADMIN: new Set(["read", "project:write", "app:write", "app:deploy", "team:members", "team:quota"]),
  OWNER: new Set(["read", "project:write", "app:write", "app:deploy", "team:members", "team:quota"]),
};

export function can(role: RoleName, permission: Permission): boolean {
  return grants[role].has(permission);
}

const rank: Record<RoleName, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

/** An admin may not grant a role above their own (only an owner makes owners). */
export function canAssignRole(actorRole: RoleName, target: RoleName): boolean {
  return rank[actorRole] >= rank[target];
}
