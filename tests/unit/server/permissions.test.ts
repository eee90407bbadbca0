import { describe, expect, it } from "vitest";
import { can, canAssignRole, lowerRole } from "@/server/auth/permissions";

const member = (role: "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER", isPlatformAdmin = false) => ({ role, isPlatformAdmin });

describe("role permissions", () => {
  it("lets only developers and above deploy", () => {
    expect(can(member("VIEWER"), "app:deploy")).toBe(false);
    expect(can(member("VIEWER"), "read")).toBe(true);
    expect(can(member("DEVELOPER"), "app:deploy")).toBe(true);
    expect(can(member("DEVELOPER"), "team:quota")).toBe(false);
    expect(can(member("ADMIN"), "team:quota")).toBe(true);
  });

  it("gives platform administration to the platform admin flag only, never to a team role", () => {
    expect(can(member("OWNER"), "platform:admin")).toBe(false);
    expect(can(member("VIEWER", true), "platform:admin")).toBe(true);
  });

  it("never lets a role grant a higher one", () => {
    expect(canAssignRole("ADMIN", "OWNER")).toBe(false);
    expect(canAssignRole("ADMIN", "ADMIN")).toBe(true);
    expect(canAssignRole("DEVELOPER", "ADMIN")).toBe(false);
    expect(canAssignRole("OWNER", "OWNER")).toBe(true);
  });

  it("takes the lower of two roles", () => {
    expect(lowerRole("OWNER", "VIEWER")).toBe("VIEWER");
    expect(lowerRole("DEVELOPER", "ADMIN")).toBe("DEVELOPER");
  });
});
