import "server-only";
// The DNS servers custom-domain checks ask, and the TXT lookup of the DNS proof. One resolver for
// both proofs (the HTTP proof resolves A/AAAA through server/net with the same servers), so a test
// pointing SLIPWAY_DNS_RESOLVER at its own DNS server controls every answer a check sees.
import { Resolver } from "node:dns/promises";
import { getEnv } from "../env";

const TIMEOUT_MS = 3000;

/** SLIPWAY_DNS_RESOLVER, else SLIPWAY_DNS_SERVERS; empty: the system's resolvers. */
export function domainDnsServers(): string[] {
  const env = getEnv();
  if (env.SLIPWAY_DNS_RESOLVER) return [env.SLIPWAY_DNS_RESOLVER];
  return env.SLIPWAY_DNS_SERVERS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A lookup that could not be answered (timeout, refused, server failure), as opposed to "no such record". */
export class DnsLookupFailed extends Error {
  constructor(
    readonly queried: string,
    readonly code: string,
  ) {
    super(`The DNS lookup of ${queried} failed (${code})`);
    this.name = "DnsLookupFailed";
  }
}

/** The TXT records at `name`, each one's strings joined; [] when the name or its TXT records do not exist. */
export async function lookupTxt(name: string): Promise<string[]> {
  // A Resolver without servers set asks the system's (resolv.conf), as the contract says.
  const resolver = new Resolver({ timeout: TIMEOUT_MS, tries: 2 });
  const servers = domainDnsServers();
  if (servers.length) resolver.setServers(servers);
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    if (code === "ENODATA" || code === "ENOTFOUND") return [];
    throw new DnsLookupFailed(name, code);
  }
}
