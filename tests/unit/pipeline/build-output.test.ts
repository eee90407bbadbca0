import { describe, expect, it } from "vitest";
import { isOtherImageName } from "@/server/pipeline/build-output";

describe("isOtherImageName", () => {
  const tag = "localhost/slipway/acme-shop-web:b3";
  it("drops the names an identical image carries from other apps (other teams' names must not leak)", () => {
    expect(isOtherImageName("Successfully tagged localhost/slipway/globex-api-web:b1", tag)).toBe(true);
    expect(isOtherImageName("Successfully tagged docker.io/slipway/old-name:b2", tag)).toBe(true);
  });
  it("keeps this build's own name and every other line", () => {
    expect(isOtherImageName("Successfully tagged localhost/slipway/acme-shop-web:b3", tag)).toBe(false);
    expect(isOtherImageName("STEP 2/4: RUN echo hi", tag)).toBe(false);
    expect(isOtherImageName("Successfully built 7d98b6fc0eae", tag)).toBe(false);
  });
});
