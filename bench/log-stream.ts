// A burst of 1,000,000 lines from a container, counted line by line at the far end:
//   baseline: `podman logs -f` on a container of the same image, limits and log driver (k8s-file),
//             its stdout counted until the millionth burst line;
//   Slipway:  a browser-like SSE client (parses frames, JSON-parses each frame's lines, counts)
//             on the web's route, GET /api/v1/apps/:id/logs?after=<seq> (`next start`, an API
//             token): the lines went through the container's log file, slipwayd's collector, the
//             log store (SQLite), the bus, slipwayd's live route and the web server.
// Both are timed from the trigger to the last line; every line is counted (none may be lost, and
// the SSE side checks the burst's numbers arrive in order). Also: how much the resident memory of
// slipwayd and of the web server grew at their peaks during the burst (the peaks are reset before
// it); the first round is the first burst after start-up.
// Rounds alternate which side goes first. Run under `flock /tmp/slipway-heavy.lock`.
//
//   node --conditions=react-server --import tsx bench/log-stream.ts [--lines 1000000] [--rounds 2]
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readSse } from "../tests/support/sse-client";
import type { LogLineDto } from "../server/logs/schemas";
import { execFileAsync, podmanInspect, queueBuild, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, median, processMemory, ratio, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";
import { startWebServer, type BenchWebServer } from "./support/web-server";
import { TEST_BASE_IMAGE } from "../tests/support/test-images";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg("lines", 1_000_000);
const ROUNDS = arg("rounds", 2);
const PAD = "x".repeat(60);
const BURST_PREFIX = "burst ";

/**
 * The container: serves "/" (the health check), and on each trigger file /tmp/go<n> prints a
 * numbered burst (awk: one write per line buffer, as fast as the log pipe takes it).
 */
const SCRIPT = [
  "mkdir -p /tmp/www && echo up > /tmp/www/index.html && httpd -p 8080 -h /tmp/www",
  "n=0",
  "while true; do",
  '  if [ -e "/tmp/go$n" ]; then',
  `    awk -v r="$n" 'BEGIN { for (i = 1; i <= ${LINES}; i++) printf "${BURST_PREFIX}%d %d ${PAD}\\n", r, i }'`,
  "    n=$((n+1))",
  "  fi",
  "  usleep 20000",
  "done",
  "",
].join("\n");

/** resets VmHWM, so the next reading is the peak since now */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

async function trigger(containerId: string, round: number): Promise<number> {
  await execFileAsync("podman", ["exec", containerId, "touch", `/tmp/go${round}`]);
  return performance.now();
}

/** `podman logs -f` on the twin container: lines of burst `round` counted until the last. */
async function baselineRound(twin: string, round: number): Promise<{ ms: number; lines: number }> {
  const child = spawn("podman", ["logs", "-f", "--since", new Date(Date.now() - 1000).toISOString(), twin], { stdio: ["ignore", "pipe", "ignore"] });
  const marker = `${BURST_PREFIX}${round} `;
  let count = 0;
  let rest = "";
  let t0 = 0;
  const done = new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const text = rest + chunk;
      const cut = text.lastIndexOf("\n");
      rest = text.slice(cut + 1);
      let i = 0;
      for (let at = text.indexOf(marker, i); at >= 0 && at < cut; at = text.indexOf(marker, i)) {
        count++;
        i = at + marker.length;
      }
      if (count >= LINES) resolve(performance.now());
    });
    child.once("exit", () => reject(new Error(`podman logs -f ended after ${count} lines`)));
  });
  // Let `podman logs -f` reach the end of what is there before the burst starts.
  await new Promise((r) => setTimeout(r, 1000));
  t0 = await trigger(twin, round);
  const end = await done;
  child.kill("SIGTERM");
  return { ms: end - t0, lines: count };
}

/** The SSE client on the web's live route, from the app's current last seq. */
async function slipwayRound(s: BenchSession, web: BenchWebServer, containerId: string, round: number): Promise<{ ms: number; lines: number; daemonGrowthMiB: number; webGrowthMiB: number }> {
  const headers = { authorization: `Bearer ${web.token}` };
  const res = await fetch(`${web.url}/api/v1/apps/${s.app.appId}/logs/search?limit=1`, { headers });
  if (!res.ok) throw new Error(`the web's log search answered ${res.status}`);
  const last = ((await res.json()) as { lines: LogLineDto[] }).lines[0]?.seq ?? 0;
  const marker = `${BURST_PREFIX}${round} `;
  let count = 0;
  let outOfOrder = 0;
  let resolveDone!: (t: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const client = readSse(`${web.url}/api/v1/apps/${s.app.appId}/logs?after=${last}`, headers, (f) => {
    if (f.event !== "lines") return;
    for (const l of JSON.parse(f.data) as LogLineDto[]) {
      if (!l.line.startsWith(marker)) continue;
      count++;
      if (Number(l.line.slice(marker.length, l.line.indexOf(" ", marker.length))) !== count) outOfOrder++;
    }
    if (count >= LINES) resolveDone(performance.now());
  });
  if ((await client.status) !== 200) throw new Error("the web's live route did not answer 200");
  const daemonPid = s.daemon.child!.pid!;
  const before = { daemon: processMemory(daemonPid).rssMiB, web: processMemory(web.pid).rssMiB };
  resetPeak(daemonPid);
  resetPeak(web.pid);
  const t0 = await trigger(containerId, round);
  const end = await done;
  const peaks = { daemon: processMemory(daemonPid).peakMiB, web: processMemory(web.pid).peakMiB };
  client.close();
  await client.done;
  if (outOfOrder) throw new Error(`${outOfOrder} burst lines arrived out of order`);
  return { ms: end - t0, lines: count, daemonGrowthMiB: peaks.daemon - before.daemon, webGrowthMiB: peaks.web - before.web };
}

await runBench({ name: "log-stream", limitMs: 30 * 60_000 }, async (s) => {
  await s.repo.commitFiles({ Dockerfile: [`FROM ${TEST_BASE_IMAGE}`, "COPY burst.sh /burst.sh", 'CMD ["sh", "/burst.sh"]', ""].join("\n"), "burst.sh": SCRIPT }, "log burst app");
  const build = await waitForBuild(s.db, await queueBuild(s.db, s.app.appId), 180_000);
  if (build.status !== "SUCCEEDED") throw new Error(`build ${build.status}: ${build.error ?? ""}`);
  const release = await s.db.release.findUniqueOrThrow({ where: { buildId: build.id } });
  await waitForReleaseStatus(s.db, release.id, ["LIVE"], 120_000);
  const { stdout } = await execFileAsync("podman", ["ps", "-q", "--no-trunc", "--filter", `label=slipway.release=${release.id}`]);
  const containerId = stdout.trim().split("\n")[0]!;
  // The twin: the same image, limits, user, init, capabilities and log driver, outside slipwayd.
  const info = (await podmanInspect(containerId)) as { ImageName: string; Config: { User: string }; HostConfig: { NanoCpus: number; Memory: number; PidsLimit: number } };
  const { stdout: twinOut } = await execFileAsync("podman", [
    "--runtime", "runc", "run", "-d", "--name", `${s.runId}-twin`, "--init", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    "--ulimit", "nofile=10000:10000", "--ulimit", "nproc=4096:4096", "--log-driver", "k8s-file",
    "--cpus", String(info.HostConfig.NanoCpus / 1e9), "--memory", String(info.HostConfig.Memory), "--user", info.Config.User || "10001",
    info.ImageName,
  ]);
  const twin = twinOut.trim();
  s.onCleanup(async () => {
    await execFileAsync("podman", ["rm", "-f", "-t", "0", twin]);
  });
  const web = await startWebServer(s);
  await waitFor("slipwayd collecting the app", async () => {
    const r = await fetch(s.daemon.apiUrl(`/v1/apps/${s.app.appId}/logs/search?limit=1`), { headers: { authorization: `Bearer ${s.daemon.token()}` } });
    return r.ok;
  });

  const rows: string[][] = [];
  const base: number[] = [];
  const ours: number[] = [];
  const growth: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? "baseline" : "slipway";
    for (const side of first === "baseline" ? ["baseline", "slipway"] : ["slipway", "baseline"]) {
      if (side === "baseline") {
        const b = await baselineRound(twin, round);
        if (b.lines !== LINES) throw new Error(`baseline counted ${b.lines} lines`);
        base.push(b.ms);
        rows.push([`${round + 1}`, "podman logs -f", `${b.lines}`, fmt(b.ms / 1000), fmt(LINES / (b.ms / 1000), 0), "", ""]);
      } else {
        const o = await slipwayRound(s, web, containerId, round);
        if (o.lines !== LINES) throw new Error(`SSE client counted ${o.lines} lines`);
        ours.push(o.ms);
        growth.push(o.daemonGrowthMiB + o.webGrowthMiB);
        rows.push([`${round + 1}`, "web SSE (Slipway)", `${o.lines}`, fmt(o.ms / 1000), fmt(LINES / (o.ms / 1000), 0), fmt(o.daemonGrowthMiB, 1), fmt(o.webGrowthMiB, 1)]);
      }
    }
  }
  console.log(`log-stream: a burst of ${LINES.toLocaleString("en")} lines (${BURST_PREFIX}<round> <n> + ${PAD.length} bytes) from a container, counted at the far end`);
  console.log(table(["round", "reader", "lines", "seconds", "lines/s", "slipwayd peak RSS growth MiB", "web peak RSS growth MiB"], rows));
  const rate = median(base) / median(ours);
  console.log(`\nrate, the web's SSE vs podman logs -f (medians): ${ratio(median(base), median(ours))} (target ≥ 0.9x) ${rate >= 0.9 ? "OK" : "MISSED"}`);
  const warm = growth.slice(1);
  console.log(`web + slipwayd peak RSS growth during a burst: first after start-up ${fmt(growth[0]!, 1)} MiB ${growth[0]! < 50 ? "OK" : "MISSED"}` + (warm.length ? `, later at most ${fmt(Math.max(...warm), 1)} MiB ${Math.max(...warm) < 50 ? "OK" : "MISSED"}` : "") + " (target < 50)");
  console.log(loadNote());
});
