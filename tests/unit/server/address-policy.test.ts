import { describe, expect, it } from "vitest";
import { isInternalAddress } from "@/server/apps/address-policy";

describe("isInternalAddress", () => {
  it.each([
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip",
  ])("refuses %s", (addr) => {
    expect(isInternalAddress(addr)).toBe(true);
  });

  it.each(["8.8.8.8", "172.32.0.1", "151.101.1.69", "2606:4700::1111", "::ffff:8.8.8.8"])("allows public %s", (addr) => {
    expect(isInternalAddress(addr)).toBe(false);
  });
});
