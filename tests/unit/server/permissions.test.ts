import { describe, expect, it } from "vitest";
import { can, canAssignRole } from "@/server/auth/permissions";

describe("role permissions", () => {
  it("lets only developers and above deploy", () => {
    expect(can("VIEWER", "app:deploy")).toBe(false);
    expect(can("VIEWER", "read")).toBe(true);
    expect(can("DEVELOPER", "app:deploy")).toBe(true);
    expect(can("DEVELOPER", "team:quota")).toBe(false);
    expect(can("ADMIN", "team:quota")).toBe(true);
  });

  it("never lets a role grant a higher one", () => {
    expect(canAssignRole("ADMIN", "OWNER")).toBe(false);
    expect(canAssignRole("ADMIN", "ADMIN")).toBe(true);
    expect(canAssignRole("DEVELOPER", "ADMIN")).toBe(false);
    expect(canAssignRole("OWNER", "OWNER")).toBe(true);
  });
});
