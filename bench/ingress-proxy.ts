// What the ingress proxy costs: the same bounded GET workload against one deployed fixture app,
// (a) straight at its container's published loopback port (the raw engine) and (b) through
// slipwayd's ingress by Host header. Each workload runs twice per target in the order
// direct, ingress, ingress, direct, so drift in machine load hits both sides alike.
//
//   node --conditions=react-server --import tsx bench/ingress-proxy.ts
import http from "node:http";
import { execFileAsync, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, percentile, ratio, table } from "./support/report";
import { runBench } from "./support/session";

const SEQUENTIAL = 2000;
const CONCURRENT = 5000;
const CONCURRENCY = 16;
const WARMUP = 200;

interface Target {
  name: string;
  port: number;
  /** Host header; the direct target sends the default one */
  host?: string;
}

interface Result {
  latenciesMs: number[];
  wallMs: number;
  errors: number;
}

function get(agent: http.Agent, t: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port: t.port, path: "/", agent, timeout: 10_000, headers: t.host ? { host: `${t.host}:${t.port}` } : {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve(res.statusCode === 200 && body.includes("Slipway fixture")));
        res.on("error", () => resolve(false));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function load(t: Target, total: number, concurrency: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) {
      next++;
      const t0 = process.hrtime.bigint();
      const ok = await get(agent, t);
      latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  return { latenciesMs, wallMs, errors };
}

function merge(a: Result, b: Result): Result {
  return { latenciesMs: [...a.latenciesMs, ...b.latenciesMs], wallMs: a.wallMs + b.wallMs, errors: a.errors + b.errors };
}

function summary(r: Result) {
  const sorted = [...r.latenciesMs].sort((x, y) => x - y);
  return { rps: (r.latenciesMs.length / r.wallMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length, errors: r.errors };
}

await runBench({ name: "ingress-proxy", limitMs: 8 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  const buildId = await s.deploy();
  const build = await waitForBuild(s.db, buildId, 180_000);
  if (build.status !== "SUCCEEDED") throw new Error(`fixture build ${build.status}: ${build.error ?? ""}`);
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId } });
  const live = await waitForReleaseStatus(s.db, release.id, ["LIVE", "FAILED"], 120_000);
  if (live.status !== "LIVE") throw new Error(`release ${live.status}: ${live.statusReason ?? ""}`);

  // The raw engine's own answer to "where is this container": podman port.
  const { stdout: ids } = await execFileAsync("podman", ["ps", "-q", "--filter", `label=slipway.app=${s.app.appId}`]);
  const containerId = ids.split("\n").filter(Boolean)[0];
  if (!containerId) throw new Error("no running container for the app");
  const { stdout: published } = await execFileAsync("podman", ["port", containerId, "8080/tcp"]);
  const m = /127\.0\.0\.1:(\d+)/.exec(published);
  if (!m) throw new Error(`container port not published on 127.0.0.1: ${published}`);
  const direct: Target = { name: "direct (engine port)", port: Number(m[1]) };
  const ingress: Target = { name: "ingress (Host header)", port: s.daemon.ingressPort, host: s.app.host };
  await waitFor("ingress route", async () => get(new http.Agent(), ingress), 30_000, 100);

  for (const t of [direct, ingress]) await load(t, WARMUP, 4);
  const phases: [string, number, number][] = [
    [`sequential, ${SEQUENTIAL} GETs x2`, SEQUENTIAL, 1],
    [`concurrency ${CONCURRENCY}, ${CONCURRENT} GETs x2`, CONCURRENT, CONCURRENCY],
  ];
  const rows: string[][] = [];
  let errors = 0;
  for (const [label, total, conc] of phases) {
    const d1 = await load(direct, total, conc);
    const i1 = await load(ingress, total, conc);
    const i2 = await load(ingress, total, conc);
    const d2 = await load(direct, total, conc);
    const d = summary(merge(d1, d2));
    const i = summary(merge(i1, i2));
    errors += d.errors + i.errors;
    rows.push([label, "direct", fmt(d.rps, 0), fmt(d.p50), fmt(d.p99), String(d.errors)]);
    rows.push(["", "ingress", fmt(i.rps, 0), fmt(i.p50), fmt(i.p99), String(i.errors)]);
    rows.push(["", "ingress/direct", ratio(i.rps, d.rps), ratio(i.p50, d.p50), ratio(i.p99, d.p99), ""]);
  }

  const mem = s.memory();
  console.log("\n== ingress proxy vs raw engine port (busybox httpd fixture, 1 replica, keep-alive client) ==");
  console.log(table(["workload", "target", "req/s", "p50 ms", "p99 ms", "errors"], rows));
  console.log(`\nslipwayd peak RSS (VmHWM): ${fmt(mem.daemon.peakMiB, 1)} MiB, now ${fmt(mem.daemon.rssMiB, 1)} MiB  [pid ${s.daemon.child?.pid}: ${mem.daemon.command.slice(0, 120)}]`);
  if (mem.podman) console.log(`its podman service peak RSS: ${fmt(mem.podman.peakMiB, 1)} MiB`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after; load generator, slipwayd and the app share these cores`);
  if (errors > 0) throw new Error(`${errors} requests failed`);
});
