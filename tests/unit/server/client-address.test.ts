import { describe, expect, it } from "vitest";
import { normalizeAddress, parseTrustedProxies, resolveClientAddress } from "@/server/auth/client-address";

describe("normalizeAddress", () => {
  it("canonicalises what proxies and sockets write", () => {
    expect(normalizeAddress("::ffff:203.0.113.5")).toBe("203.0.113.5");
    expect(normalizeAddress("::FFFF:cb00:7105")).toBe("203.0.113.5");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("2001:DB8:0::1")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80:0:0:0:0:0:0:1");
    expect(normalizeAddress(" 198.51.100.7:5678 ")).toBe("198.51.100.7");
    for (const bad of ["", "unknown", "example.com", "1.2.3", "999.1.1.1", undefined, null]) expect(normalizeAddress(bad)).toBeNull();
  });
});

describe("parseTrustedProxies", () => {
  it("takes addresses and CIDRs of both families, and refuses anything else", () => {
    const list = parseTrustedProxies(" 10.0.0.0/8, 192.168.1.1 ,fd00::/8,::1");
    expect(list.check("10.200.3.4", "ipv4")).toBe(true);
    expect(list.check("192.168.1.1", "ipv4")).toBe(true);
    expect(list.check("192.168.1.2", "ipv4")).toBe(false);
    expect(list.check("fd12::1", "ipv6")).toBe(true);
    expect(list.check("::1", "ipv6")).toBe(true);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/not an IP address or CIDR/);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/prefix/);
    expect(() => parseTrustedProxies("10.0.0.0/x")).toThrow(/prefix/);
  });
});

describe("resolveClientAddress", () => {
  const trusted = parseTrustedProxies("10.0.0.0/8");
  const resolve = (peer: string | undefined, forwardedFor?: string) => resolveClientAddress({ peer, forwardedFor, trusted });

  it("is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(resolve("198.51.100.1", "203.0.113.9")).toBe("198.51.100.1");
    expect(resolve("::ffff:198.51.100.1", "10.0.0.1")).toBe("198.51.100.1");
  });

  it("walks X-Forwarded-For from the right through trusted proxies only", () => {
    expect(resolve("10.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(resolve("10.0.0.1", "198.51.100.66, 203.0.113.9, 10.1.1.1")).toBe("203.0.113.9");
    // Every hop trusted: the leftmost is the best there is.
    expect(resolve("10.0.0.1", "10.2.2.2, 10.1.1.1")).toBe("10.2.2.2");
    // No header: the proxy itself.
    expect(resolve("10.0.0.1")).toBe("10.0.0.1");
    // A hop that is not an address ends the walk at the last address a trusted proxy vouched for.
    expect(resolve("10.0.0.1", "203.0.113.9, junk, 10.1.1.1")).toBe("10.1.1.1");
  });

  it("is unknown without a peer", () => {
    expect(resolve(undefined, "203.0.113.9")).toBeNull();
  });
});
