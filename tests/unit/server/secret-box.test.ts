import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/env";
import { open, openJson, seal, sealJson } from "@/server/crypto/secret-box";

beforeAll(() => {
  delete process.env.SLIPWAY_SECRET_KEY;
  process.env.SLIPWAY_DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "slipway-secret-"));
  resetEnvForTests();
});

describe("secret box", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = seal("p@ssw0rd");
    expect(sealed).not.toContain("p@ssw0rd");
    expect(open(sealed)).toBe("p@ssw0rd");
    expect(openJson(sealJson({ A: "1" }), {})).toEqual({ A: "1" });
    expect(openJson("", { fallback: true })).toEqual({ fallback: true });
  });

  it("uses a fresh IV each time and detects tampering", () => {
    expect(seal("x")).not.toBe(seal("x"));
    const parts = seal("hello").split(".");
    parts[3] = Buffer.from("jello").toString("base64");
    expect(() => open(parts.join("."))).toThrow();
  });

  it("generates its key file readable by the owner only", () => {
    seal("x");
    const mode = statSync(path.join(process.env.SLIPWAY_DATA_DIR!, "secret.key")).mode & 0o777;
    expect(mode).toBe(0o600);
  });
});
