// Which network addresses a git (or, later, registry) URL may point at. Loopback, private,
// link-local (cloud metadata lives at 169.254.169.254) and other internal ranges are refused
// unless a platform admin allows private hosts: otherwise a build could reach internal services.
//
// IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d in any spelling, the
// deprecated IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo) are judged
// by the IPv4 address they lead to: ::ffff:7f00:1 is 127.0.0.1. Input is an address as a
// resolver or Node's URL parser returns it; anything that is not a valid address is refused.
import { BlockList, isIP } from "node:net";

const internalV4 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
] as const) {
  internalV4.addSubnet(net, prefix, "ipv4");
}

const internalV6 = new BlockList();
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b:1::", 48], // local-use NAT64 (RFC 8215)
  ["100::", 64], // discard-only
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some stacks)
  ["ff00::", 8], // multicast
] as const) {
  internalV6.addSubnet(net, prefix, "ipv6");
}

/** The 16 bytes of an IPv6 address (any valid textual form, including a trailing dotted quad). */
export function ipv6Bytes(address: string): Uint8Array | null {
  if (isIP(address) !== 6) return null;
  let text = address.split("%")[0] ?? "";
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const [a, b, c, d] = tail[1].split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = rest === undefined ? [] : rest ? rest.split(":") : [];
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(zeros).fill("0"), ...right];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  return bytes;
}

const v4 = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const allZero = (b: Uint8Array, from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/** The IPv4 address an IPv6 address leads to, when it embeds one. */
export function embeddedIpv4(bytes: Uint8Array): string | null {
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (SIIT translated)
  if (allZero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(bytes, 12);
  if (allZero(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && bytes[10] === 0 && bytes[11] === 0) return v4(bytes, 12);
  // ::a.b.c.d (IPv4-compatible, deprecated; ::, ::1 are handled as IPv6)
  if (allZero(bytes, 0, 12) && !allZero(bytes, 12, 15)) return v4(bytes, 12);
  // 64:ff9b::/96 NAT64
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && allZero(bytes, 4, 12)) return v4(bytes, 12);
  // 2002:aabb:ccdd::/48 6to4
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(bytes, 2);
  // 2001:0::/32 Teredo: the client's address is stored inverted in the last four bytes
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0 && bytes[3] === 0) {
    const inv = bytes.slice(12, 16).map((x) => x ^ 0xff);
    return v4(inv, 0);
  }
  return null;
}

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: treat as unsafe
  if (family === 4) return internalV4.check(address, "ipv4");
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const inner = embeddedIpv4(bytes);
  if (inner !== null && internalV4.check(inner, "ipv4")) return true;
  return internalV6.check(address, "ipv6");
}
