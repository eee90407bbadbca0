import { describe, expect, it } from "vitest";
import { embeddedIpv4, ipv6Bytes, isInternalAddress } from "@/server/apps/address-policy";
import { parseGitUrl } from "@/server/pipeline/git-runner";

describe("isInternalAddress", () => {
  it.each([
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "::", "::1", "fe80::1", "fe80::1%eth0", "fd00::1", "fc00::1", "ff02::1",
    // IPv4 inside IPv6, every spelling
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:7F00:0001", "0:0:0:0:0:ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:a9fe:a9fe",
    "::ffff:0:7f00:1", "::127.0.0.1", "::7f00:1",
    "64:ff9b::7f00:1", "64:ff9b::169.254.169.254", "64:ff9b:1::8.8.8.8",
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::5",
    "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1
    "not-an-ip", "", "127.1", "2130706433", "0x7f000001",
  ])("refuses %s", (addr) => {
    expect(isInternalAddress(addr)).toBe(true);
  });

  it.each(["8.8.8.8", "172.32.0.1", "151.101.1.69", "203.0.113.7", "2606:4700::1111", "::ffff:8.8.8.8", "::ffff:808:808", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows public %s",
    (addr) => {
      expect(isInternalAddress(addr)).toBe(false);
    },
  );

  it("reads the IPv4 address embedded in IPv6 forms", () => {
    expect(embeddedIpv4(ipv6Bytes("::ffff:7f00:1")!)).toBe("127.0.0.1");
    expect(embeddedIpv4(ipv6Bytes("64:ff9b::a9fe:a9fe")!)).toBe("169.254.169.254");
    expect(embeddedIpv4(ipv6Bytes("2002:0a00:0001::")!)).toBe("10.0.0.1");
    expect(embeddedIpv4(ipv6Bytes("2606:4700::1111")!)).toBeNull();
  });
});

describe("URL host forms are judged as the address they are", () => {
  // Node's URL parser normalises every IPv4 spelling to a dotted quad and every IPv6 spelling to
  // its compressed form; git is handed that canonical URL, so the check and git see one address.
  it.each([
    ["http://2130706433/r.git", "127.0.0.1"],
    ["http://0177.0.0.1/r.git", "127.0.0.1"],
    ["http://0x7f000001/r.git", "127.0.0.1"],
    ["http://0x7f.0.0.1/r.git", "127.0.0.1"],
    ["http://0x7f.1/r.git", "127.0.0.1"],
    ["http://127.1/r.git", "127.0.0.1"],
    ["http://017700000001/r.git", "127.0.0.1"],
    ["http://0xa9.0376.43518/r.git", "169.254.169.254"],
    ["http://[::ffff:127.0.0.1]/r.git", "[::ffff:7f00:1]"],
    ["http://[::ffff:7f00:1]/r.git", "[::ffff:7f00:1]"],
    ["http://[0:0:0:0:0:ffff:7f00:1]/r.git", "[::ffff:7f00:1]"],
  ])("%s is %s, an internal address", (raw, host) => {
    const parsed = parseGitUrl(raw, { allowLocalGitSources: false });
    if (parsed.kind !== "remote") throw new Error("expected a remote URL");
    expect(parsed.url.hostname).toBe(host);
    expect(isInternalAddress(parsed.url.hostname.replace(/^\[|\]$/g, ""))).toBe(true);
  });
});
