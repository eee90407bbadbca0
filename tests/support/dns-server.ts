// A DNS server on 127.0.0.1 for tests, answering from a script: each (name, type) has a sequence
// of answers, the nth query gets the nth (the last one repeats), so a name can resolve to a public
// address first and to loopback afterwards (DNS rebinding); TXT answers are lists of records
// (custom-domain proofs). Every query is logged.
//
//   const dns = await startDnsServer({ "rebind.test": { A: [["203.0.113.7"], ["127.0.0.1"]] } });
//   process.env.SLIPWAY_DNS_SERVERS = dns.address;   // "127.0.0.1:<port>"
//   dns.queries                                     // [{ name: "rebind.test", type: "A" }, …]
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import * as packet from "dns-packet";

export interface DnsScript {
  /** TXT: each answer is a list of records (each record one string) */
  [name: string]: { A?: string[][]; AAAA?: string[][]; TXT?: string[][] };
}

export interface DnsServer {
  /** host:port, as SLIPWAY_DNS_SERVERS takes it */
  address: string;
  queries: { name: string; type: string }[];
  /** queries for `name` (and type, when given) so far */
  count(name: string, type?: string): number;
  /** replaces the script and keeps the log */
  setScript(script: DnsScript): void;
  close(): Promise<void>;
}

export async function startDnsServer(initial: DnsScript): Promise<DnsServer> {
  let script = initial;
  const queries: { name: string; type: string }[] = [];
  const seen = new Map<string, number>();
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch (error) {
      // A malformed datagram is not an answerable query; the test that sent it sees a timeout.
      console.warn(`dns-server: undecodable query: ${String(error)}`);
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const type = question.type;
    queries.push({ name, type });
    const entry = script[name];
    const key = `${name}/${type}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const sequence = type === "A" || type === "AAAA" || type === "TXT" ? entry?.[type] : undefined;
    const values = sequence?.length ? (sequence[Math.min(n, sequence.length - 1)] ?? []) : [];
    const answers: packet.Answer[] = values.map((data) =>
      type === "TXT" ? { type: "TXT", name: question.name, ttl: 0, class: "IN", data } : { type: type as "A", name: question.name, ttl: 0, class: "IN", data },
    );
    const response = packet.encode({
      type: "response",
      id: query.id,
      flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | (entry ? 0 : 3), // rcode 3 = NXDOMAIN
      questions: [question],
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    queries,
    count: (name, type) => queries.filter((q) => q.name === name && (!type || q.type === type)).length,
    setScript: (next) => {
      script = next;
      seen.clear();
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
