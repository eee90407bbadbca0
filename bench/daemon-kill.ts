// The data plane outlives the control plane: a steady 100 requests/s through the ingress (a new
// connection each, like distinct visitors) for at least 5,000 requests while slipwayd is
// SIGKILLed and restarted, a redeploy runs, a rollback runs, a rolling restart runs, and slipwayd
// is SIGKILLed in the middle of a rollout. Every answer must be a 200 from the app: prints the
// failed count (must be 0) and what each phase took.
//
//   node --conditions=react-server --import tsx bench/daemon-kill.ts
import { startIngressLoad } from "../tests/support/ingress-load";
import { ingressGet, podmanIdsByLabel, waitFor, waitForBuild, waitForReleaseStatus } from "./support/harness";
import { fmt, loadNote, table } from "./support/report";
import { runBench, type BenchSession } from "./support/session";

const RPS = 100;
const MIN_REQUESTS = 5000;
const REPLICAS = 2;
/** a little longer than slipwayd's drain of old replicas (5 s) */
const SETTLE_MS = 6000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function nudge(s: BenchSession): Promise<void> {
  const res = await fetch(s.daemon.apiUrl("/v1/reconcile"), { method: "POST", headers: { authorization: `Bearer ${s.daemon.token()}` } });
  await res.body?.cancel();
  if (res.status !== 202) throw new Error(`slipwayd nudge answered ${res.status}`);
}

async function deployVersion(s: BenchSession, version: string): Promise<string> {
  await s.repo.commitVersion(version);
  const buildId = await s.deploy();
  const build = await waitForBuild(s.db, buildId, 180_000);
  if (build.status !== "SUCCEEDED") throw new Error(`build ${build.status}: ${build.error ?? ""}`);
  return (await s.db.release.findUniqueOrThrow({ where: { buildId } })).id;
}

async function live(s: BenchSession, releaseId: string): Promise<void> {
  const r = await waitForReleaseStatus(s.db, releaseId, ["LIVE", "FAILED"], 120_000);
  if (r.status !== "LIVE") throw new Error(`release v${r.version} ${r.status}: ${r.statusReason ?? ""}`);
}

/** What rollbackRelease writes: a new release with an earlier one's image and config, as the target. */
async function rollbackTo(s: BenchSession, releaseId: string): Promise<string> {
  const from = await s.db.release.findUniqueOrThrow({ where: { id: releaseId } });
  const max = await s.db.release.aggregate({ where: { appId: s.app.appId }, _max: { version: true } });
  const created = await s.db.release.create({
    data: {
      teamId: from.teamId,
      appId: from.appId,
      version: (max._max.version ?? 0) + 1,
      imageRef: from.imageRef,
      imageDigest: from.imageDigest,
      configSnapshot: from.configSnapshot,
      cpuMillicores: from.cpuMillicores,
      memoryMib: from.memoryMib,
      status: "PENDING",
      statusReason: `Rollback to v${from.version}`,
    },
  });
  await s.db.app.update({ where: { id: s.app.appId }, data: { targetReleaseId: created.id } });
  await nudge(s);
  return created.id;
}

await runBench({ name: "daemon-kill", limitMs: 8 * 60_000 }, async (s) => {
  const loadBefore = loadNote();
  await s.db.app.update({ where: { id: s.app.appId }, data: { replicas: REPLICAS } });
  const v1 = await deployVersion(s, `${s.runId}-v1`);
  await live(s, v1);
  await waitFor("served", async () => (await ingressGet(s.daemon.ingressPort, s.app.host)).status === 200, 30_000, 100);

  const load = startIngressLoad({ port: s.daemon.ingressPort, host: s.app.host, rps: RPS, expect: /Slipway fixture/ });
  const phases: string[][] = [];
  const phase = async (name: string, fn: () => Promise<string | void>) => {
    const before = { sent: load.result.sent, failed: load.result.failed };
    const t0 = Date.now();
    const note = (await fn()) ?? "";
    phases.push([name, fmt((Date.now() - t0) / 1000, 1), String(load.result.sent - before.sent), String(load.result.failed - before.failed), note]);
  };

  await phase("steady", async () => {
    await sleep(3000);
  });
  await phase("slipwayd SIGKILL + restart", async () => {
    await s.daemon.kill("SIGKILL");
    await sleep(1000);
    const t = Date.now();
    await s.daemon.start();
    const ready = Date.now() - t;
    await sleep(3000);
    return `ready ${ready} ms after start`;
  });
  let v2 = "";
  await phase("redeploy (v2)", async () => {
    v2 = await deployVersion(s, `${s.runId}-v2`);
    await live(s, v2);
    await sleep(SETTLE_MS);
  });
  await phase("rollback to v1", async () => {
    await live(s, await rollbackTo(s, v1));
    await sleep(SETTLE_MS);
  });
  await phase("rolling restart", async () => {
    const before = await podmanIdsByLabel(`slipway.app=${s.app.appId}`);
    await s.db.app.update({ where: { id: s.app.appId }, data: { restartGeneration: { increment: 1 } } });
    await nudge(s);
    await waitFor(
      "every replica replaced",
      async () => {
        const ids = await podmanIdsByLabel(`slipway.app=${s.app.appId}`);
        return ids.length === REPLICAS && ids.every((id) => !before.includes(id));
      },
      120_000,
      250,
    );
    await sleep(1000);
  });
  await phase("SIGKILL during a rollout (v3)", async () => {
    await s.repo.commitVersion(`${s.runId}-v3`);
    const buildId = await s.deploy();
    await waitForBuild(s.db, buildId, 180_000);
    const v3 = (await s.db.release.findUniqueOrThrow({ where: { buildId } })).id;
    await waitForReleaseStatus(s.db, v3, ["ROLLING_OUT", "LIVE"], 60_000);
    await s.daemon.kill("SIGKILL");
    await sleep(500);
    await s.daemon.start();
    await live(s, v3);
    await sleep(SETTLE_MS);
  });
  await phase("steady, up to 5,000 requests", async () => {
    while (load.result.sent < MIN_REQUESTS) await sleep(200);
  });
  const result = await load.stop();

  console.log(`\n== ${RPS} requests/s through the ingress (new connection each) while the control plane is killed and releases change ==`);
  console.log(table(["phase", "s", "requests", "failed", "note"], phases));
  console.log(`\ntotal: ${result.sent} requests, ${result.ok} ok, ${result.failed} failed`);
  for (const [body, n] of result.bodies) console.log(`  ${String(n).padStart(5)} x ${body.replace(/\s+/g, " ").slice(0, 100)}`);
  if (result.failures.length) console.log(`first failures:\n  ${result.failures.join("\n  ")}`);
  console.log(`machine: ${loadBefore} before, ${loadNote()} after`);
  if (result.failed > 0) throw new Error(`${result.failed} of ${result.sent} requests failed`);
});
