import { describe, expect, it } from "vitest";
import { slugify, slugSchema } from "@/server/slugs";

describe("slugSchema (DNS-1123 label)", () => {
  it.each(["a", "web", "web-2", "0day", "a".repeat(40)])("accepts %s", (s) => expect(slugSchema.safeParse(s).success).toBe(true));
  it.each(["", "Web", "web_2", "-web", "web-", "we.b", "wéb", "a".repeat(41)])("rejects %j", (s) => expect(slugSchema.safeParse(s).success).toBe(false));
});

describe("slugify", () => {
  it("turns names into labels that pass the schema", () => {
    for (const name of ["Alice Smith", "bob.o'neil", "___", "ÄÖÜ team", "x".repeat(80) + "-"]) {
      expect(slugSchema.safeParse(slugify(name)).success, name).toBe(true);
    }
    expect(slugify("Alice Smith")).toBe("alice-smith");
  });
});
