// Build and app containers run on Slipway's own Podman bridge network, and the host refuses new
// connections that arrive from that bridge: a tenant's container can reach the internet (npm
// install) but not the host's loopback services, slipwayd's API, the database, or anything else
// listening on the host (gateway IP, host.containers.internal, the host's other addresses).
//
//   filter INPUT  -i <bridge> -j SLIPWAY-<inst>          (first rule, so nothing earlier accepts)
//   SLIPWAY-<inst>: ESTABLISHED,RELATED → RETURN          (replies to the ingress's connections)
//                   DNS to the gateway → RETURN           (only when the network runs a resolver)
//                   tcp → REJECT tcp-reset; rest → REJECT icmp-port-unreachable
//
// Published ports keep working: the ingress dials 127.0.0.1:<port> on the host, which is DNAT'ed
// out through the bridge; the replies come back as ESTABLISHED. The bridge's route_localnet stays
// as CNI's portmap plugin sets it (1): publishing on 127.0.0.1 needs it (checked on these machines:
// with 0 the ingress gets no answer). It would let a container address 127.0.0.0/8 through the
// bridge, but every such packet is a NEW connection arriving on the bridge, which INPUT refuses.
//
// Idempotent: slipwayd runs ensureNetworkIsolation at start and before builds. The network and
// rules outlive slipwayd on purpose (running containers keep their protection); remove them with
// removeNetworkIsolation (tests do, after removing the containers) — nothing else is touched.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface IsolatedNetwork {
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  dnsEnabled: boolean;
  chain: string;
}

/** Per installation, so two data dirs on one machine never share (or tear down) each other's. */
export function isolatedNetworkName(instanceId: string): string {
  return `slipway-${instanceId.slice(0, 6).toLowerCase()}`;
}

function chainName(instanceId: string): string {
  return `SLIPWAY-${instanceId.slice(0, 6).toUpperCase()}`;
}

interface PodmanNetworkJson {
  name: string;
  network_interface?: string;
  subnets?: { subnet: string; gateway?: string }[];
  dns_enabled?: boolean;
}

async function inspectNetwork(name: string): Promise<PodmanNetworkJson | null> {
  try {
    const { stdout } = await run("podman", ["network", "inspect", name]);
    return (JSON.parse(stdout) as PodmanNetworkJson[])[0] ?? null;
  } catch {
    // "network not found" is the normal first-start case; other failures surface at create.
    return null;
  }
}

async function iptables(args: string[]): Promise<void> {
  await run("iptables", ["-w", "5", ...args]);
}

async function iptablesHas(args: string[]): Promise<boolean> {
  try {
    await run("iptables", ["-w", "5", "-C", ...args]);
    return true;
  } catch {
    return false;
  }
}

async function ensureChain(chain: string): Promise<void> {
  try {
    await iptables(["-N", chain]);
  } catch (e) {
    // "Chain already exists" is fine: it is flushed and refilled below.
    if (!/exists/i.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
  }
}

/** Creates the network and host rules if missing, and re-asserts them (idempotent). */
export async function ensureNetworkIsolation(instanceId: string): Promise<IsolatedNetwork> {
  const name = isolatedNetworkName(instanceId);
  let net = await inspectNetwork(name);
  if (!net) {
    // IPv4 only, so there is no second family of host addresses to guard.
    await run("podman", ["network", "create", "--driver", "bridge", "--label", "slipway.managed=true", name]).catch(async (e: unknown) => {
      // Two daemons of one installation starting at once: the other one created it.
      if (!(await inspectNetwork(name))) throw e;
    });
    net = await inspectNetwork(name);
  }
  const subnet = net?.subnets?.[0];
  if (!net?.network_interface || !subnet?.gateway) throw new Error(`podman network ${name} has no bridge interface or gateway`);
  const iso: IsolatedNetwork = {
    name,
    bridge: net.network_interface,
    subnet: subnet.subnet,
    gateway: subnet.gateway,
    dnsEnabled: !!net.dns_enabled,
    chain: chainName(instanceId),
  };

  const rules = [
    ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"],
    ...(iso.dnsEnabled ? ["udp", "tcp"].map((proto) => ["-d", `${iso.gateway}/32`, "-p", proto, "-m", proto, "--dport", "53", "-j", "RETURN"]) : []),
    ["-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"],
    ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
  ];
  await ensureChain(iso.chain);
  // Rewritten only when it differs (as `iptables -S` prints it): a flush re-run before every build
  // would open a moment in which the chain lets everything through.
  const want = rules.map((r) => ["-A", iso.chain, ...r].join(" "));
  const have = (await run("iptables", ["-w", "5", "-S", iso.chain])).stdout.split("\n").filter((l) => l.startsWith("-A "));
  if (have.join("\n") !== want.join("\n")) {
    await iptables(["-F", iso.chain]);
    for (const r of rules) await iptables(["-A", iso.chain, ...r]);
  }
  const jump = ["INPUT", "-i", iso.bridge, "-j", iso.chain];
  if (!(await iptablesHas(jump))) await iptables(["-I", "INPUT", "1", "-i", iso.bridge, "-j", iso.chain]);
  return iso;
}

/** Removes the host rules and the network (after its containers are gone). */
export async function removeNetworkIsolation(instanceId: string): Promise<void> {
  const name = isolatedNetworkName(instanceId);
  const chain = chainName(instanceId);
  const net = await inspectNetwork(name);
  if (net?.network_interface) {
    while (await iptablesHas(["INPUT", "-i", net.network_interface, "-j", chain])) await iptables(["-D", "INPUT", "-i", net.network_interface, "-j", chain]);
  }
  await iptables(["-F", chain]).catch(() => undefined); // absent chain: nothing to flush
  await iptables(["-X", chain]).catch(() => undefined);
  if (net) await run("podman", ["network", "rm", "-f", name]);
}
