// Build and app containers run on Slipway's own Podman bridge networks — one per team, so tenants
// never share a layer-2 segment — and the host firewall keeps them away from the host and from
// each other. A tenant's container can reach the internet (npm install) but not the host's
// loopback services, slipwayd's API, the database, another team's containers, or containers on
// any other local bridge (cni-podman0, another installation's networks).
//
//   filter INPUT   -i <bridge> -j SLIPWAY-<inst>         (first rule, so nothing earlier accepts)
//   SLIPWAY-<inst>: ESTABLISHED,RELATED → RETURN         (replies to the ingress's connections)
//                   DNS to a DNS-enabled network's gateway → RETURN
//                   tcp → REJECT tcp-reset; rest → REJECT icmp-port-unreachable
//   filter FORWARD -o <bridge> -j SLIPWAY-<inst>-TO      (into a team's network)
//   SLIPWAY-<inst>-TO: ESTABLISHED,RELATED → RETURN; bridged (same network = same team) → RETURN;
//                      everything else → REJECT (other teams, other bridges, the outside world)
//   filter FORWARD -i <bridge> -j SLIPWAY-<inst>-FROM    (out of a team's network)
//   SLIPWAY-<inst>-FROM: ESTABLISHED,RELATED → RETURN; bridged → RETURN;
//                        out to any other local bridge (cni*, podman*, docker*, br-*, virbr*,
//                        lxcbr*, and every bridge present when the rules are asserted, except
//                        one carrying a default route) → REJECT; the rest (the uplink) → RETURN
// "Bridged" (-m physdev --physdev-is-bridged) is traffic switched inside one bridge, which the
// kernel hands to FORWARD only with br_netfilter; routed traffic between two bridges never is.
// The TO chain's content never depends on which networks exist, so adding a team's network never
// rewrites it: there is no moment in which one team's containers are open to another's.
//
// Published ports keep working: the ingress dials 127.0.0.1:<port> on the host, which is DNAT'ed
// out through the bridge (OUTPUT, not FORWARD); the replies come back as ESTABLISHED. The
// bridge's route_localnet stays as CNI's portmap plugin sets it (1): publishing on 127.0.0.1
// needs it. It would let a container address 127.0.0.0/8 through the bridge, but every such
// packet is a NEW connection arriving on the bridge, which INPUT refuses.
//
// Networks: `slipway-<inst>-t<teamId>` (team ids are unique, so two teams never share one),
// created on demand when a team's first container or build starts, IPv4 only, without Podman's
// DNS plugin (containers use the host's resolvers). Podman picks each subnet from its subnet
// pools (containers.conf default_subnet_pools: 10.89.0.0/16, then 10.90.0.0/15, …, /24 each),
// skipping those of existing networks and the host's routes, so they never collide. The older
// per-installation network `slipway-<inst>` (every team on one bridge) stays isolated from the
// host and from the team networks until its containers are replaced at their app's next release;
// nothing new joins it.
//
// Idempotent: slipwayd runs ensureNetworkIsolation at start and before builds, and
// ensureTeamNetwork before it starts a team's containers. Networks and rules outlive slipwayd on
// purpose (running containers keep their protection); an empty team network stays until
// removeNetworkIsolation (uninstall, test teardown) removes every network and chain of the
// installation — nothing else is touched.
import { execFile } from "node:child_process";
import { readdirSync, existsSync, statSync } from "node:fs";
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

const ID = /^[a-z0-9]+$/;

function instancePrefix(instanceId: string): string {
  const p = instanceId.slice(0, 6).toLowerCase();
  if (p.length !== 6 || !ID.test(p)) throw new Error(`instance id ${JSON.stringify(instanceId)} is not a lowercase alphanumeric id`);
  return p;
}

/**
 * The installation's original shared network (kept for containers made before team networks);
 * as a build's network it stands for the build's own team network (buildNetworkFor).
 */
export function isolatedNetworkName(instanceId: string): string {
  return `slipway-${instancePrefix(instanceId)}`;
}

/** One network per team and installation, by id: slugs of two teams can join to the same words. */
export function teamNetworkName(instanceId: string, teamId: string): string {
  if (!ID.test(teamId)) throw new Error(`team id ${JSON.stringify(teamId)} is not a lowercase alphanumeric id`);
  return `${isolatedNetworkName(instanceId)}-t${teamId}`;
}

function chainNames(instanceId: string) {
  const base = `SLIPWAY-${instancePrefix(instanceId).toUpperCase()}`;
  return { input: base, to: `${base}-TO`, from: `${base}-FROM` };
}

interface PodmanNetworkJson {
  name: string;
  network_interface?: string;
  subnets?: { subnet: string; gateway?: string }[];
  dns_enabled?: boolean;
  labels?: Record<string, string>;
}

async function inspectNetwork(name: string): Promise<PodmanNetworkJson | null> {
  try {
    const { stdout } = await run("podman", ["network", "inspect", name]);
    return (JSON.parse(stdout) as PodmanNetworkJson[])[0] ?? null;
  } catch {
    // "network not found" is the normal first-use case; other failures surface at create.
    return null;
  }
}

// `podman network ls` costs a podman process (~60 ms, more on a busy machine) and ran twice per
// build. Its answer is kept until a network config file is created, removed or renamed (the
// directory's mtime changes; podman keeps one file per network there) and never longer than
// LIST_TTL_MS. The host rules are still compared on every call: only the list of bridges is reused.
const NETWORK_CONFIG_DIRS = ["/etc/cni/net.d", "/etc/containers/networks"];
const LIST_TTL_MS = 30_000;
let listCache: { key: string; at: number; all: PodmanNetworkJson[] } | null = null;

/** Identifies the current set of network config files; null when there is none to watch (no caching then). */
function networkConfigKey(): string | null {
  const parts: string[] = [];
  for (const d of NETWORK_CONFIG_DIRS) {
    try {
      const st = statSync(d, { bigint: true });
      parts.push(`${d}:${st.ino}:${st.mtimeNs}`);
    } catch {
      // This backend's directory does not exist: part of the key as such.
      parts.push(`${d}:-`);
    }
  }
  return parts.some((p) => !p.endsWith(":-")) ? parts.join("|") : null;
}

async function allNetworks(): Promise<PodmanNetworkJson[]> {
  // Read before listing: a network made while `ls` runs changes the key, so the next call re-lists.
  const key = networkConfigKey();
  if (key && listCache && listCache.key === key && Date.now() - listCache.at < LIST_TTL_MS) return listCache.all;
  const { stdout } = await run("podman", ["network", "ls", "--format", "json"]);
  const all = JSON.parse(stdout) as PodmanNetworkJson[];
  listCache = key ? { key, at: Date.now(), all } : null;
  return all;
}

/** The installation's networks: the shared one (if it still exists) and every team's. */
async function instanceNetworks(instanceId: string): Promise<PodmanNetworkJson[]> {
  const base = isolatedNetworkName(instanceId);
  return (await allNetworks()).filter((n) => n.name === base || n.name.startsWith(`${base}-t`));
}

async function iptables(args: string[]): Promise<void> {
  await run("iptables", ["-w", "5", ...args]);
}

async function readChain(chain: string): Promise<string[]> {
  return (await run("iptables", ["-w", "5", "-S", chain])).stdout.split("\n").filter((l) => l.startsWith("-A "));
}

/** The chain's rules as `iptables -S` prints them, creating the chain when it is missing. */
async function listChain(chain: string): Promise<string[]> {
  try {
    return await readChain(chain);
  } catch {
    // Missing chain (iptables words this differently per backend): create it, then read again,
    // which throws any other failure.
    await ensureChain(chain);
    return readChain(chain);
  }
}

async function ensureChain(chain: string): Promise<void> {
  try {
    await iptables(["-N", chain]);
  } catch (e) {
    // "Chain already exists" is fine (made meanwhile by another daemon): its content is rewritten below.
    if (!/exists/i.test(String((e as { stderr?: string }).stderr ?? e))) throw e;
  }
}

/** Makes `chain` hold exactly `rules`, rewriting it only when it differs from `have` (its `iptables -S` lines). */
async function syncChain(chain: string, rules: string[][], have: string[]): Promise<void> {
  const want = rules.map((r) => ["-A", chain, ...r].join(" "));
  // A flush re-run before every build would open a moment in which the chain lets everything through.
  if (have.join("\n") === want.join("\n")) return;
  await iptables(["-F", chain]);
  for (const r of rules) await iptables(["-A", chain, ...r]);
}

const REJECT = [
  ["-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"],
  ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
];
const ESTABLISHED = ["-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "RETURN"];
const BRIDGED = ["-m", "physdev", "--physdev-is-bridged", "-j", "RETURN"];
/** Names container engines, libvirt and LXC give their bridges. */
const BRIDGE_PATTERNS = ["cni+", "podman+", "docker+", "br-+", "virbr+", "lxcbr+"];

function matchesPattern(iface: string, pattern: string): boolean {
  return pattern.endsWith("+") ? iface.startsWith(pattern.slice(0, -1)) : iface === pattern;
}

/** Interfaces the host's default routes leave through: the way out to the world stays open. */
async function uplinks(): Promise<string[]> {
  const { stdout } = await run("ip", ["-4", "route", "show", "default"]);
  return [...stdout.matchAll(/\bdev (\S+)/g)].map((m) => m[1]!);
}

function hostBridges(): string[] {
  try {
    return readdirSync("/sys/class/net").filter((i) => existsSync(`/sys/class/net/${i}/bridge`));
  } catch {
    // No sysfs (not Linux): the name patterns still apply.
    return [];
  }
}

async function otherBridgeTargets(): Promise<string[]> {
  const up = await uplinks();
  const patterns = BRIDGE_PATTERNS.filter((p) => !up.some((u) => matchesPattern(u, p)));
  const named = hostBridges().filter((b) => !up.includes(b) && !patterns.some((p) => matchesPattern(b, p)));
  return [...patterns, ...named.sort()];
}

/** `present` is the built-in chain's `iptables -S` lines, read once per assertion instead of one `-C` per jump. */
async function ensureJump(chain: "INPUT" | "FORWARD", dir: "-i" | "-o", iface: string, target: string, present: string[]): Promise<void> {
  if (!present.includes(["-A", chain, dir, iface, "-j", target].join(" "))) await iptables(["-I", chain, "1", dir, iface, "-j", target]);
}

// One process can start a team's containers and its build at once: rules are compared and
// rewritten one caller at a time.
let serial: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const next = serial.then(fn, fn);
  serial = next.catch(() => undefined);
  return next;
}

async function assertRules(instanceId: string, networks: PodmanNetworkJson[]): Promise<void> {
  const chains = chainNames(instanceId);
  const withBridge = networks.filter((n) => n.network_interface);
  const dns = withBridge.flatMap((n) => {
    const gw = n.subnets?.[0]?.gateway;
    return n.dns_enabled && gw ? ["udp", "tcp"].map((p) => ["-i", n.network_interface!, "-d", `${gw}/32`, "-p", p, "-m", p, "--dport", "53", "-j", "RETURN"]) : [];
  });
  // Reads run at once (iptables -w serializes on the xtables lock); writes stay in order. The
  // built-in chains are read after the instance chains exist, as before.
  const [haveInput, haveTo, haveFrom, others] = await Promise.all([listChain(chains.input), listChain(chains.to), listChain(chains.from), otherBridgeTargets()]);
  await syncChain(chains.input, [ESTABLISHED, ...dns, ...REJECT], haveInput);
  await syncChain(chains.to, [ESTABLISHED, BRIDGED, ...REJECT], haveTo);
  await syncChain(chains.from, [ESTABLISHED, BRIDGED, ...others.flatMap((o) => REJECT.map((r) => ["-o", o, ...r]))], haveFrom);
  if (!withBridge.length) return;
  const [forward, input] = await Promise.all(["FORWARD", "INPUT"].map(async (c) => (await run("iptables", ["-w", "5", "-S", c])).stdout.split("\n").map((l) => l.trim())));
  for (const n of withBridge) {
    const br = n.network_interface!;
    await ensureJump("FORWARD", "-o", br, chains.to, forward!);
    await ensureJump("FORWARD", "-i", br, chains.from, forward!);
    await ensureJump("INPUT", "-i", br, chains.input, input!);
  }
}

export interface InstanceIsolation {
  /** the name a build's network option carries; resolved per team (buildNetworkFor) */
  name: string;
  chains: string[];
  networks: string[];
}

/** Re-asserts the host rules of every network of the installation (idempotent). Creates no network. */
export function ensureNetworkIsolation(instanceId: string): Promise<InstanceIsolation> {
  return serialized(async () => {
    const networks = await instanceNetworks(instanceId);
    await assertRules(instanceId, networks);
    return { name: isolatedNetworkName(instanceId), chains: Object.values(chainNames(instanceId)), networks: networks.map((n) => n.name) };
  });
}

/** The team's network, created if missing, with the installation's host rules asserted for it. */
export function ensureTeamNetwork(instanceId: string, teamId: string): Promise<IsolatedNetwork> {
  const name = teamNetworkName(instanceId, teamId);
  return serialized(async () => {
    let net: PodmanNetworkJson | null = (await allNetworks()).find((n) => n.name === name) ?? null;
    if (!net) {
      listCache = null;
      await run("podman", [
        "network", "create", "--driver", "bridge", "--disable-dns",
        "--label", "slipway.managed=true", "--label", `slipway.instance=${instancePrefix(instanceId)}`, "--label", `slipway.team=${teamId}`,
        name,
      ]).catch(async (e: unknown) => {
        // Another daemon of this installation created it meanwhile.
        if (!(await inspectNetwork(name))) throw e;
      });
      net = await inspectNetwork(name);
      listCache = null;
    }
    const subnet = net?.subnets?.[0];
    if (!net?.network_interface || !subnet?.gateway) throw new Error(`podman network ${name} has no bridge interface or gateway`);
    if (net.labels?.["slipway.team"] !== teamId) throw new Error(`podman network ${name} exists but is not labelled as team ${teamId}'s network`);
    // The rules go in before any container joins; other networks' rules are re-asserted too.
    const others = (await instanceNetworks(instanceId)).filter((n) => n.name !== name);
    await assertRules(instanceId, [...others, net]);
    return { name, bridge: net.network_interface, subnet: subnet.subnet, gateway: subnet.gateway, dnsEnabled: !!net.dns_enabled, chain: chainNames(instanceId).input };
  });
}

/**
 * The network a build's RUN steps join. Slipway's installation network name stands for the build's
 * team network (created on demand), so a build never shares a network with another team; any other
 * value ("none", an operator's own network) is used as given.
 */
export async function buildNetworkFor(network: string | undefined, teamId: string | undefined): Promise<string | undefined> {
  const m = network ? /^slipway-([a-z0-9]{6})$/.exec(network) : null;
  if (!m) return network;
  if (!teamId) throw new Error("a build on Slipway's network needs its team id (image label) to pick the team's network");
  return (await ensureTeamNetwork(m[1]!, teamId)).name;
}

/**
 * Removes every network of the installation and then its host rules. `network rm -f` removes any
 * container still on them (RUN containers of an interrupted build, too): only for uninstalling an
 * installation or a test's teardown, after its daemon stopped. Networks go first, so no container
 * is ever left running without its rules.
 */
export function removeNetworkIsolation(instanceId: string): Promise<void> {
  return serialized(async () => {
    const failures: string[] = [];
    listCache = null;
    for (const n of await instanceNetworks(instanceId)) {
      await run("podman", ["network", "rm", "-f", n.name]).catch((e: unknown) => failures.push(`${n.name}: ${String((e as { stderr?: string }).stderr ?? e).trim()}`));
    }
    listCache = null;
    if (failures.length) throw new Error(`some networks could not be removed (their host rules are kept): ${failures.join("; ")}`);
    const targets = new Set(Object.values(chainNames(instanceId)));
    for (const builtin of ["INPUT", "FORWARD"]) {
      const { stdout } = await run("iptables", ["-w", "5", "-S", builtin]);
      for (const line of stdout.split("\n")) {
        const parts = line.trim().split(/\s+/);
        if (parts[0] === "-A" && parts.at(-2) === "-j" && targets.has(parts.at(-1)!)) await iptables(["-D", ...parts.slice(1)]);
      }
    }
    for (const chain of targets) {
      await iptables(["-F", chain]).catch(() => undefined); // absent chain: nothing to flush
      await iptables(["-X", chain]).catch(() => undefined);
    }
  });
}
