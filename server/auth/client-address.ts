// The address of the client behind a request, for sign-in throttling and better-auth's own
// rate limiter and session records.
//
// `next start` does not give route handlers the socket's address. It copies it into
// X-Forwarded-For only when the request has no such header (node_modules/next/dist/server/
// base-server.js: `req.headers['x-forwarded-for'] ??= socket.remoteAddress`), so a client that
// sends its own X-Forwarded-For erases the one trustworthy fact. Slipway therefore stamps each
// request as it enters the Node HTTP server (instrumentation.ts → installClientAddressStamp):
// the socket's peer address, and from it the client address — X-Forwarded-For is walked from
// the right only while each hop is a proxy listed in SLIPWAY_TRUSTED_PROXIES, so entries a
// client wrote itself are never believed. Whatever a client sends in the stamp's headers is
// overwritten.
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { getEnv } from "../env";
import { logger } from "../logger";

/** The resolved client address, set by the stamp (any value a client sent is replaced). */
export const CLIENT_ADDRESS_HEADER = "x-slipway-client-address";

/** An address in its canonical form: IPv4-mapped IPv6 as IPv4, zone ids dropped; null if not an IP. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let text = raw.trim();
  // "[::1]:1234" and "1.2.3.4:5678" appear in some proxies' X-Forwarded-For.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.split("%")[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1]!;
  const family = isIP(text);
  if (family === 4) return text;
  if (family === 6) return expandIpv6(text);
  return null;
}

function expandIpv6(address: string): string {
  let text = address.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = rest ? rest.split(":") : [];
  const groups = [...left, ...Array<string>(rest === undefined ? 0 : 8 - left.length - right.length).fill("0"), ...right];
  const canonical = groups.map((g) => parseInt(g, 16).toString(16)).join(":");
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return canonical;
}

/** SLIPWAY_TRUSTED_PROXIES: comma-separated addresses or CIDRs. An entry that is neither is a configuration error. */
export function parseTrustedProxies(spec: string): BlockList {
  const list = new BlockList();
  for (const entry of spec.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [net, prefixText] = entry.split("/") as [string, string | undefined];
    const address = normalizeAddress(net);
    if (!address) throw new Error(`SLIPWAY_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR.`);
    const family = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (prefixText === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const prefix = Number(prefixText);
    if (!/^\d+$/.test(prefixText) || prefix > (family === "ipv4" ? 32 : 128)) {
      throw new Error(`SLIPWAY_TRUSTED_PROXIES: ${JSON.stringify(entry)} has an invalid prefix length.`);
    }
    list.addSubnet(address, prefix, family);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy, in which case the
 * X-Forwarded-For hops are walked from the right (each proxy appends the address it received
 * the request from) until the first hop that is not a trusted proxy. An unparsable hop ends the
 * walk at the last address a trusted proxy vouched for.
 */
export function resolveClientAddress(options: { peer: string | undefined | null; forwardedFor: string | undefined | null; trusted: BlockList }): string | null {
  const peer = normalizeAddress(options.peer);
  if (!peer) return null;
  let address = peer;
  const hops = (options.forwardedFor ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0 && isTrusted(options.trusted, address); i--) {
    const hop = normalizeAddress(hops[i]);
    if (!hop) break;
    address = hop;
  }
  return address;
}

let trustedCache: { spec: string; list: BlockList } | undefined;
function trustedProxies(): BlockList {
  const spec = getEnv().SLIPWAY_TRUSTED_PROXIES;
  if (trustedCache?.spec !== spec) trustedCache = { spec, list: parseTrustedProxies(spec) };
  return trustedCache.list;
}

/** Sets the client address header on a request entering the server, from its socket's peer address. */
export function stampClientAddress(headers: http.IncomingHttpHeaders, peer: string | undefined): void {
  const forwarded = headers["x-forwarded-for"];
  const address = resolveClientAddress({ peer, forwardedFor: Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trusted: trustedProxies() });
  if (address) headers[CLIENT_ADDRESS_HEADER] = address;
  else delete headers[CLIENT_ADDRESS_HEADER];
}

const globalForStamp = globalThis as unknown as { slipwayClientAddressStamp?: boolean };

/**
 * Hooks every Node HTTP(S) server in this process (the one `next start` creates included) so that
 * each request carries CLIENT_ADDRESS_HEADER before Next.js sees it. Called once at start-up.
 */
export function installClientAddressStamp(): void {
  if (globalForStamp.slipwayClientAddressStamp) return;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        stampClientAddress(req.headers, req.socket?.remoteAddress);
      }
      return emit.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
  globalForStamp.slipwayClientAddressStamp = true;
}

let warnedUnstamped = false;

/**
 * The client address of a request as the stamp resolved it, or null when this process has no
 * stamp (`next dev`, a script): a header no server vouched for is then ignored, not believed.
 */
export function clientAddress(headers: Headers): string | null {
  if (!globalForStamp.slipwayClientAddressStamp) {
    if (!warnedUnstamped) {
      warnedUnstamped = true;
      logger.warn("client addresses are unknown in this process (no request stamp installed): sign-in is throttled per account only");
    }
    return null;
  }
  return normalizeAddress(headers.get(CLIENT_ADDRESS_HEADER));
}
