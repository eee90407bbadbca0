import { describe, expect, it } from "vitest";
import { hostnameProblem, normalizeHostname } from "@/server/domains/normalize-hostname";

describe("custom domain hostnames", () => {
  it("are lower case without a trailing dot", () => {
    expect(normalizeHostname("  Shop.Example.COM. ")).toBe("shop.example.com");
    expect(hostnameProblem(normalizeHostname("xn--bcher-kva.example."))).toBeNull();
    expect(hostnameProblem("a.b")).toBeNull();
    expect(hostnameProblem(`${"a".repeat(63)}.example.com`)).toBeNull();
  });

  it("refuse what cannot be a served DNS name, saying why", () => {
    const cases: [string, RegExp][] = [
      ["", /enter a hostname/],
      ["com", /at least two labels/],
      ["127.0.0.1", /IP address/],
      ["127.1", /numeric label/],
      ["example.123", /numeric label/],
      ["fe80::1", /IP address/],
      ["*.example.com", /wildcard/],
      ["shop.*.example.com", /wildcard/],
      ["http://shop.example.com", /without http/],
      ["shop.example.com/path", /without http/],
      ["bücher.example", /punycode/],
      ["shop..example.com", /empty label/],
      [".example.com", /empty label/],
      ["shop-.example.com", /hyphen/],
      ["sh_op.example.com", /letters, digits or hyphens/],
      [`${"a".repeat(64)}.example.com`, /1 to 63/],
      [Array.from({ length: 130 }, () => "a").join("."), /at most 253/],
    ];
    for (const [input, message] of cases) expect(hostnameProblem(input), input).toMatch(message);
  });
});
