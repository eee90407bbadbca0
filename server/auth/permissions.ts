// Roles gate actions; tenancy (which team's records) is checked by the services. The README's
// role × action table is this file in prose: change both together.
export const roles = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const;
export type RoleName = (typeof roles)[number];

export type Permission =
  | "read"
  | "project:write"
  | "app:write"
  | "app:deploy"
  | "team:members"
  | "team:quota"
  | "team:audit"
  // Any member may manage their own API tokens (with a role no higher than theirs) and leave a team.
  | "self"
  // Platform administration: the user's isPlatformAdmin flag, whatever their team role.
  | "platform:admin";

const grants: Record<RoleName, ReadonlySet<Permission>> = {
  VIEWER: new Set(["read", "self"]),
  DEVELOPER: new Set(["read", "self", "project:write", "app:write", "app:deploy"]),
  ADMIN: new Set(["read", "self", "project:write", "app:write", "app:deploy", "team:members", "team:quota", "team:audit"]),
  OWNER: new Set(["read", "self", "project:write", "app:write", "app:deploy", "team:members", "team:quota", "team:audit"]),
};

export function can(actor: { role: RoleName; isPlatformAdmin: boolean }, permission: Permission): boolean {
  if (permission === "platform:admin") return actor.isPlatformAdmin;
  return grants[actor.role].has(permission);
}

const rank: Record<RoleName, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

export function roleRank(role: RoleName): number {
  return rank[role];
}

/** An admin may not grant a role above their own (only an owner makes owners). */
export function canAssignRole(actorRole: RoleName, target: RoleName): boolean {
  return rank[actorRole] >= rank[target];
}

/** The lower of two roles: what a token may do when its owner's own role has since changed. */
export function lowerRole(a: RoleName, b: RoleName): RoleName {
  return rank[a] <= rank[b] ? a : b;
}
