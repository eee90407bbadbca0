// Resolves a host name once and checks every address it resolves to against the address policy.
// The caller then connects to exactly these addresses (git: http.curloptResolve), so a name that
// answers a public address to the check and a loopback one to the connection (DNS rebinding) has
// no second resolution to exploit.
import { lookup, Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { isInternalAddress } from "../apps/address-policy";
import { getEnv } from "../env";

export class HostRefused extends Error {
  constructor(
    readonly reason: "unresolvable" | "internal",
    readonly host: string,
    message: string,
    /** the refused address, for reason "internal" */
    readonly address?: string,
  ) {
    super(message);
    this.name = "HostRefused";
  }
}

const RESOLVE_TIMEOUT_MS = 3000;

function configuredServers(): string[] {
  return getEnv()
    .SLIPWAY_DNS_SERVERS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

async function resolveAll(host: string, servers: string[]): Promise<string[]> {
  // RFC 6761: localhost names are loopback whatever a DNS server says.
  if (host === "localhost" || host.endsWith(".localhost")) return ["127.0.0.1", "::1"];
  if (servers.length === 0) return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const resolver = new Resolver({ timeout: RESOLVE_TIMEOUT_MS, tries: 2 });
  resolver.setServers(servers);
  const settled = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = settled.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
  if (addresses.length === 0) {
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    throw failure?.reason ?? new Error(`no addresses for ${host}`);
  }
  return addresses;
}

export interface ResolveAndCheckOptions {
  /** A host name or an IP literal (IPv6 with or without brackets), as Node's URL parser gives it. */
  host: string;
  /** Platform setting: loopback, private and metadata addresses are allowed. */
  allowPrivate: boolean;
  /** DNS servers to ask (ip or ip:port); default SLIPWAY_DNS_SERVERS; empty: the system resolver. */
  servers?: string[];
}

/**
 * Every address `host` resolves to, each one allowed by the policy; throws HostRefused otherwise.
 * An IP literal is checked as it is, without DNS.
 */
export async function resolveAndCheck({ host, allowPrivate, servers = configuredServers() }: ResolveAndCheckOptions): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(bare)) {
    addresses = [bare];
  } else {
    try {
      addresses = await resolveAll(bare, servers);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw new HostRefused("unresolvable", bare, `Cannot resolve the host ${bare} (${code}). Check the URL.`);
    }
  }
  if (!allowPrivate) {
    const bad = addresses.find(isInternalAddress);
    if (bad !== undefined) {
      throw new HostRefused(
        "internal",
        bare,
        `${bare} resolves to a loopback, private or metadata address (${bad}), which builds may not reach. A platform admin can allow private git hosts.`,
        bad,
      );
    }
  }
  return addresses;
}
