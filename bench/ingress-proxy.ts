// What the ingress proxy (Caddy) costs: an app that keeps connections alive, deployed through
// Slipway (so it runs with an app's limits), loaded with keep-alive clients (autocannon) (a)
// straight at its container's published loopback port and (b) through the ingress by Host header.
// Each workload runs in the order direct, ingress, ingress, direct, so drift in machine load hits
// both sides alike. The app has the default app's limits (250 millicores, 256 MiB); two paths:
// "/" a fixed page (the proxy's own cost shows fully) and "/work" a small JSON API answer.
//
//   node --conditions=react-server --import tsx bench/ingress-proxy.ts
import autocannon from "autocannon";
import http from "node:http";
import { caddyPid } from "../server/daemon/ingress/caddy-process";
import { execFileAsync, ingressGet, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { keepAliveAppFiles, KEEPALIVE_MARKER } from "./support/keepalive-app";
import { fmt, loadNote, percentile, processMemory, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const APP_CPU_MILLICORES = 250;
const APP_MEMORY_MIB = 256;
const PATHS = ["/", "/work"];
/** sequential GETs on one kept-alive connection, timed one by one (autocannon rounds to whole ms) */
const LATENCY_REQUESTS = 1500;
const THROUGHPUT_SECONDS = 4;
const CONNECTIONS = 16;

interface Target {
  name: string;
  port: number;
  path?: string;
  /** Host header; the direct target sends the default one */
  host?: string;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(t: Target, connections: number, seconds: number): Promise<Run> {
  const r = await autocannon({
    url: `http://127.0.0.1:${t.port}${t.path ?? "/"}`,
    connections,
    duration: seconds,
    headers: t.host ? { host: `${t.host}:${t.port}` } : {},
  });
  const ok = r["2xx"];
  return { rps: ok / r.duration, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

function getOnce(agent: http.Agent, t: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port: t.port, path: t.path ?? "/", agent, timeout: 10_000, headers: t.host ? { host: `${t.host}:${t.port}` } : {} }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function sequential(t: Target, n: number): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    if (!(await getOnce(agent, t))) errors++;
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  ms.sort((a, b) => a - b);
  return { rps: ((n - errors) / wallMs) * 1000, p50: percentile(ms, 50), p99: percentile(ms, 99), errors };
}

const signed = (n: number) => `${n >= 0 ? "+" : ""}${fmt(n)}`;

const mean = (a: Run, b: Run): Run => ({ rps: (a.rps + b.rps) / 2, p50: (a.p50 + b.p50) / 2, p99: (a.p99 + b.p99) / 2, errors: a.errors + b.errors });

async function deployApp(s: BenchSession): Promise<Target> {
  await s.db.app.update({ where: { id: s.app.appId }, data: { cpuMillicores: APP_CPU_MILLICORES, memoryMib: APP_MEMORY_MIB } });
  await s.repo.commitFiles(keepAliveAppFiles(s.runId), "keep-alive app");
  const buildId = await s.deploy();
  const build = await waitForBuild(s.db, buildId, 240_000);
  if (build.status !== "SUCCEEDED") throw new Error(`app build ${build.status}: ${build.error ?? ""}`);
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId } });
  const live = await waitForReleaseStatus(s.db, release.id, ["LIVE", "FAILED"], 120_000);
  if (live.status !== "LIVE") throw new Error(`release ${live.status}: ${live.statusReason ?? ""}`);
  // The raw engine's own answer to "where is this container": podman port.
  const { stdout: ids } = await execFileAsync("podman", ["ps", "-q", "--filter", `label=slipway.release=${release.id}`]);
  const containerId = ids.split("\n").filter(Boolean)[0];
  if (!containerId) throw new Error("no running container for the release");
  const { stdout: published } = await execFileAsync("podman", ["port", containerId, "8080/tcp"]);
  const m = /127\.0\.0\.1:(\d+)/.exec(published);
  if (!m) throw new Error(`container port not published on 127.0.0.1: ${published}`);
  await waitFor("ingress serves the new release", async () => (await ingressGet(s.daemon.ingressPort, s.app.host)).body.includes(s.runId), 30_000, 100);
  return { name: "direct", port: Number(m[1]) };
}

await runBench({ name: "ingress-proxy", limitMs: 8 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  const ingress: Target = { name: "ingress", port: s.daemon.ingressPort, host: s.app.host };
  const rows: string[][] = [];
  const ratios: number[] = [];
  let errors = 0;
  const app = await deployApp(s);
  for (const path of PATHS) {
    const direct = { ...app, path };
    const viaIngress = { ...ingress, path };
    const check = await ingressGet(ingress.port, ingress.host!, path);
    if (!check.body.includes(KEEPALIVE_MARKER)) throw new Error(`unexpected answer through the ingress: ${check.status} ${check.body.slice(0, 200)}`);
    for (const t of [direct, viaIngress]) await load(t, 4, 1);
    const phases: [string, number, number][] = [
      [`GET ${path}: 1 connection, ${LATENCY_REQUESTS} sequential x2`, 1, 0],
      [`GET ${path}: ${CONNECTIONS} connections, ${THROUGHPUT_SECONDS} s x2`, CONNECTIONS, THROUGHPUT_SECONDS],
    ];
    for (const [label, conns, secs] of phases) {
      const run = (t: Target) => (conns === 1 ? sequential(t, LATENCY_REQUESTS) : load(t, conns, secs));
      const d1 = await run(direct);
      const i1 = await run(viaIngress);
      const i2 = await run(viaIngress);
      const d2 = await run(direct);
      const d = mean(d1, d2);
      const i = mean(i1, i2);
      errors += d.errors + i.errors;
      if (conns === CONNECTIONS) ratios.push(i.rps / d.rps);
      rows.push([label, "direct", fmt(d.rps, 0), fmt(d.p50), fmt(d.p99), String(d.errors)]);
      rows.push(["", "ingress", fmt(i.rps, 0), fmt(i.p50), fmt(i.p99), String(i.errors)]);
      rows.push(["", "ingress/direct", ratio(i.rps, d.rps), signed(i.p50 - d.p50), signed(i.p99 - d.p99), ""]);
    }
  }

  const pid = caddyPid(s.daemon.dataDir);
  const caddy = pid ? processMemory(pid) : null;
  console.log("\n== ingress (Caddy) vs the container's own port: keep-alive app (Python asyncio), keep-alive clients ==");
  console.log(table(["workload", "target", "req/s", "p50 ms", "p99 ms", "errors"], rows));
  console.log(
    `\nthroughput ratio ingress/direct at ${CONNECTIONS} connections: ${PATHS.map((p, i) => `GET ${p} ${ratios[i]!.toFixed(2)}x`).join(", ")} (app limits ${APP_CPU_MILLICORES} millicores, ${APP_MEMORY_MIB} MiB; target >= 0.90x)`,
  );
  if (caddy) console.log(`caddy peak RSS (VmHWM): ${fmt(caddy.peakMiB, 1)} MiB, now ${fmt(caddy.rssMiB, 1)} MiB  [pid ${pid}]`);
  const mem = s.memory();
  console.log(`slipwayd peak RSS (VmHWM): ${fmt(mem.daemon.peakMiB, 1)} MiB`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after; load generator, Caddy, slipwayd and the app share these cores`);
  if (errors > 0) throw new Error(`${errors} requests failed`);
});
