// The cluster view's pod listing at scale: KWOK drives the test control plane to 1,000 nodes and
// 10,000 Running Slipway-managed pods, then, side by side in one run,
//   (a) the platform: listManagedPods for a platform admin, every page, each page serialized as the
//       route sends it, in a child process of its own (its peak RSS is the listing's alone), and
//   (b) `kubectl get pods -A -o json > /dev/null` against the same kubeconfig,
// alternating (a b b a a b …) so drift in machine load hits both alike.
//
//   node --conditions=react-server --import tsx bench/kwok-pod-listing.ts [--keep] [--shared]
//        [--nodes 1000] [--pods 10000] [--iterations 5]
//
// By default it starts a control plane of its own (state in .cache/bench-cluster, its own ports)
// so that it never loads the cluster other test runs share; --shared uses .cache/cluster instead
// (or SLIPWAY_CLUSTER_DIR). It removes what it made — its pods, namespaces and nodes, and the
// control plane if it started it — unless --keep.
import { execFile, fork, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { fmt, loadNote, median, processMemory, ratio, table } from "./support/report";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BENCH_LABEL = "slipway.dev/bench";
const BENCH = "kwok-pod-listing";
const TEAMS = 10;
const APPS_PER_TEAM = 10;
const TIME_LIMIT_MS = 30 * 60_000;

const t0 = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

// ------------------------------------------------------------------------------------------------
// A minimal keep-alive client for creating thousands of objects (client-node opens a new TLS
// connection per request, which on two cores costs more than the creates themselves).
// ------------------------------------------------------------------------------------------------
interface Kube {
  request<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: T }>;
  close(): void;
}

async function kubeClient(kc: KubeConfig): Promise<Kube> {
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  (opts.agent as https.Agent | undefined)?.destroy();
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca: opts.ca, cert: opts.cert, key: opts.key });
  const server = new URL(kc.getCurrentCluster()!.server);
  return {
    request<T>(method: string, apiPath: string, body?: unknown) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<{ status: number; json: T }>((resolve, reject) => {
        const req = https.request(
          {
            agent,
            hostname: server.hostname,
            port: server.port,
            method,
            path: apiPath,
            timeout: 60_000,
            headers: { ...(opts.headers as Record<string, string>), accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              let json: unknown = null;
              try {
                json = text ? JSON.parse(text) : null;
              } catch {
                json = text;
              }
              resolve({ status: res.statusCode ?? 0, json: json as T });
            });
            res.on("error", reject);
          },
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: no answer in 60 s`)));
        req.on("error", reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

async function must(kube: Kube, method: string, apiPath: string, body?: unknown, ok: number[] = [200, 201, 202]): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const res = await kube.request(method, apiPath, body);
    if (ok.includes(res.status)) return res.json;
    // 429 (API priority and fairness), 5xx, or the namespace's default ServiceAccount not there yet.
    const retriable = res.status === 429 || res.status >= 500 || (res.status === 403 && /serviceaccount|service account/i.test(JSON.stringify(res.json)));
    if (!retriable || attempt >= 20) throw new Error(`${method} ${apiPath}: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200 * Math.min(10, attempt + 1)));
  }
}

/** Runs fn over items with at most `limit` in flight, printing progress every ~2 s. */
async function pool<T>(what: string, items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  let lastLog = Date.now();
  const started = Date.now();
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
      done++;
      if (Date.now() - lastLog > 2000) {
        lastLog = Date.now();
        log(`  ${what}: ${done}/${items.length} (${fmt((done / (Date.now() - started)) * 1000, 0)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  log(`  ${what}: ${done}/${items.length} in ${fmt((Date.now() - started) / 1000, 1)} s (${fmt((done / (Date.now() - started)) * 1000, 0)}/s)`);
}

// ------------------------------------------------------------------------------------------------
// The cluster
// ------------------------------------------------------------------------------------------------
function runScript(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("bash", [path.join(ROOT, "scripts", script)], { cwd: ROOT, env, encoding: "utf8", timeout: 75 * 60_000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
    child.stderr?.on("data", (d: string) => process.stderr.write(d));
  });
}

function clusterRunning(stateDir: string): boolean {
  try {
    return ["etcd", "kube-apiserver", "kwok"].every((c) => {
      const pid = readFileSync(path.join(stateDir, "pids", `${c}.pid`), "utf8").trim();
      return existsSync(`/proc/${pid}`);
    });
  } catch {
    return false;
  }
}

function nodeManifest(name: string) {
  // As scripts/cluster-up.sh makes them: KWOK manages nodes with this annotation.
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        type: "kwok",
        [BENCH_LABEL]: BENCH,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        "kubernetes.io/role": "agent",
        "node-role.kubernetes.io/agent": "",
      },
    },
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" },
      capacity: { cpu: "32", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" },
    },
  };
}

interface CountedList {
  items: { status?: { phase?: string; conditions?: { type: string; status: string }[] } }[];
  metadata: { continue?: string };
}

// Running is the phase; Ready can flip back to False for good when the node lifecycle controller
// sees a node's lease late (KWOK heartbeating 1,000 nodes on a busy machine): reported, not awaited.
async function countPods(kube: Kube, selector: string): Promise<{ total: number; running: number; ready: number }> {
  let token: string | undefined;
  let total = 0;
  let running = 0;
  let ready = 0;
  do {
    const q = new URLSearchParams({ labelSelector: selector, limit: "2000", ...(token ? { continue: token } : {}) });
    const list = (await must(kube, "GET", `/api/v1/pods?${q}`)) as CountedList;
    total += list.items.length;
    running += list.items.filter((p) => p.status?.phase === "Running").length;
    ready += list.items.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
    token = list.metadata.continue || undefined;
  } while (token);
  return { total, running, ready };
}

// ------------------------------------------------------------------------------------------------
// The platform side, in a child process: { cmd: "run" } → one full listing → its timing.
// ------------------------------------------------------------------------------------------------
interface ChildResult {
  ms: number;
  items: number;
  pages: number;
  dtoBytes: number;
  peakMiB: number;
  rssMiB: number;
}

async function child(): Promise<void> {
  const { listManagedPods } = await import("../server/clusters/list-managed-pods");
  const actor = { userId: "bench", email: "bench@example.test", isPlatformAdmin: true, teamId: "bench", teamSlug: "default", role: "OWNER" as const, via: "session" as const };
  const clusterId = process.env.BENCH_CLUSTER_ID!;
  const listAll = async (): Promise<ChildResult> => {
    const started = process.hrtime.bigint();
    let token: string | undefined;
    let items = 0;
    let pages = 0;
    let dtoBytes = 0;
    do {
      const page = await listManagedPods({ actor, clusterId, continueToken: token });
      // What the route hands to Response.json: the serialization is part of the cost.
      dtoBytes += Buffer.byteLength(JSON.stringify(page));
      items += page.items.length;
      pages++;
      token = page.continueToken ?? undefined;
    } while (token);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const mem = processMemory(process.pid);
    return { ms, items, pages, dtoBytes, peakMiB: mem.peakMiB, rssMiB: mem.rssMiB };
  };
  const baseline = processMemory(process.pid);
  process.send!({ ready: true, baselinePeakMiB: baseline.peakMiB });
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "run") listAll().then((r) => process.send!(r), (e: unknown) => process.send!({ error: String(e instanceof Error ? e.stack : e) }));
    else if (m.cmd === "exit") process.exit(0);
  });
}

function askChild(c: ChildProcess): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    c.once("message", (m: ChildResult & { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    c.send({ cmd: "run" });
  });
}

interface KubectlResult {
  ms: number;
  maxRssMiB: number;
}

function kubectl(kubeconfig: string, stdoutFd: number | "pipe"): Promise<KubectlResult & { bytes: number; items: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // /usr/bin/time for kubectl's own peak RSS; its overhead is a fork and a wait4.
    const p = spawn("/usr/bin/time", ["-f", "maxrss=%M", "kubectl", "--kubeconfig", kubeconfig, "get", "pods", "-A", "-o", "json"], { stdio: ["ignore", stdoutFd, "pipe"] });
    let bytes = 0;
    const chunks: Buffer[] = [];
    p.stdout?.on("data", (c: Buffer) => {
      bytes += c.length;
      chunks.push(c);
    });
    let stderr = "";
    p.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`kubectl exited ${code}: ${stderr.slice(-500)}`));
      const items = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { items: unknown[] }).items.length : -1;
      resolve({ ms, maxRssMiB: Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024, bytes, items });
    });
  });
}

// ------------------------------------------------------------------------------------------------
// The run
// ------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const keep = process.argv.includes("--keep");
  const nodes = arg("nodes", 1000);
  const podCount = arg("pods", 10_000);
  const iterations = arg("iterations", 5);
  const stateDir = process.env.SLIPWAY_CLUSTER_DIR ?? path.join(ROOT, ".cache", process.argv.includes("--shared") ? "cluster" : "bench-cluster");
  const cleanups: (() => Promise<void>)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => log(`cleanup: ${e instanceof Error ? e.message : String(e)}`));
    })());
  const limit = setTimeout(() => {
    log(`time limit of ${TIME_LIMIT_MS / 60_000} min reached: cleaning up`);
    void cleanup().finally(() => process.exit(2));
  }, TIME_LIMIT_MS);
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));

  try {
    const wasRunning = clusterRunning(stateDir);
    log(`control plane in ${path.relative(ROOT, stateDir)}: ${wasRunning ? "reusing the running one" : "starting it"}`);
    // No real node (kubelet + containerd): this bench measures the API server with KWOK's nodes only.
    const env = {
      ...process.env,
      SLIPWAY_CLUSTER_DIR: stateDir,
      SLIPWAY_CLUSTER_NODES: process.env.SLIPWAY_CLUSTER_NODES ?? "1",
      SLIPWAY_CLUSTER_REAL_NODE: process.env.SLIPWAY_CLUSTER_REAL_NODE ?? "0",
    };
    const kubeconfigPath = (await runScript("cluster-up.sh", env)).trim().split("\n").pop()!;
    if (!wasRunning && !keep) cleanups.push(async () => void (await runScript("cluster-down.sh", env)));
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const kube = await kubeClient(kc);
    cleanups.push(async () => kube.close());
    log(`API server ${kc.getCurrentCluster()?.server}; ${loadNote()}`);

    // A control plane this run did not start outlives it: remove our objects one by one.
    if (wasRunning && !keep) cleanups.push(() => removeObjects(kube));

    // Nodes: created concurrently, then KWOK marks them Ready.
    const nodeNames = Array.from({ length: nodes }, (_, i) => `bench-node-${i}`);
    log(`creating ${nodes} KWOK nodes`);
    await pool("nodes created", nodeNames, 32, async (name) => void (await must(kube, "POST", "/api/v1/nodes", nodeManifest(name), [201, 409])));
    for (;;) {
      const list = (await must(kube, "GET", `/api/v1/nodes?labelSelector=${encodeURIComponent(`${BENCH_LABEL}=${BENCH}`)}`)) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      };
      const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
      log(`  nodes Ready: ${ready}/${nodes}`);
      if (ready >= nodes) break;
      await new Promise((r) => setTimeout(r, 2000));
    }

    // Team namespaces, without Slipway's ResourceQuota/LimitRange (10,000 pods would exceed any
    // team quota; the listing does not care) but with its labels.
    const teams = Array.from({ length: TEAMS }, (_, i) => `bench-t${i}`);
    for (const team of teams) {
      const ns = `slipway-${team}`;
      await must(kube, "POST", "/api/v1/namespaces", { metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "slipway", "slipway.dev/team": team, [BENCH_LABEL]: BENCH } } }, [201, 409]);
    }
    for (const team of teams) {
      for (let i = 0; (await kube.request("GET", `/api/v1/namespaces/slipway-${team}/serviceaccounts/default`)).status !== 200; i++) {
        if (i > 300) throw new Error(`no default ServiceAccount in slipway-${team}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    // Pods: created directly with a node assigned (round-robin), which skips the scheduler and the
    // ReplicaSet controller — the fastest way to 10,000 Running pods. Each is the pod template of a
    // Slipway Deployment (app-manifests.ts), with its labels, probes and security context.
    const { appManifests } = await import("../server/runtime/kubernetes/app-manifests");
    const templates = teams.flatMap((team) =>
      Array.from({ length: APPS_PER_TEAM }, (_, a) => {
        const spec = {
          teamSlug: team, projectSlug: `proj${a % 3}`, appSlug: `app${a}`, appId: `app-${team}-${a}`, releaseId: `rel-${team}-${a}-1`, releaseVersion: 1,
          imageRef: "localhost/slipway/bench:1", containerPort: 8080, healthCheckPath: "/healthz", cpuMillicores: 100, memoryMib: 64, replicas: 1, env: {}, runAs: { uid: 10001, gid: 10001, imageUser: "" }, volumes: [],
        };
        const deployment = appManifests(spec, { image: spec.imageRef }).find((o) => o.kind === "Deployment") as { metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } } };
        return { team, name: deployment.metadata.name, template: deployment.spec.template };
      }),
    );
    const perApp = Math.ceil(podCount / templates.length);
    const pods = Array.from({ length: podCount }, (_, i) => ({ i, t: templates[Math.floor(i / perApp)]! }));
    log(`creating ${podCount} pods: ${TEAMS} team namespaces × ${APPS_PER_TEAM} apps × ${perApp} replicas`);
    await pool("pods created", pods, 48, async ({ i, t }) => {
      const body = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${t.name}-${i.toString(36).padStart(4, "0")}`, labels: { ...t.template.metadata.labels, [BENCH_LABEL]: BENCH, "pod-template-hash": "5d8f7c9b4" } },
        spec: { ...t.template.spec, nodeName: nodeNames[i % nodeNames.length] },
      };
      await must(kube, "POST", `/api/v1/namespaces/slipway-${t.team}/pods`, body, [201, 409]);
    });
    const waitStarted = Date.now();
    let settled: { total: number; running: number; ready: number };
    for (;;) {
      const c = (settled = await countPods(kube, `${BENCH_LABEL}=${BENCH}`));
      log(`  pods Running: ${c.running}/${podCount} (${c.total} exist, ${c.ready} Ready)`);
      if (c.running >= podCount) break;
      if (Date.now() - waitStarted > 15 * 60_000) throw new Error("pods did not all become Running within 15 min: see kwok.log in the state dir");
      // Each count lists every pod: poll gently, the API server is busy enough.
      await new Promise((r) => setTimeout(r, 5000));
    }
    const runningAfterS = (Date.now() - waitStarted) / 1000;

    // The platform's side: a database with the cluster registered (kubeconfig sealed, as on
    // upload) and a child process that lists as the cluster view does.
    const { createTestDatabase, makeDataDir } = await import("./support/harness");
    const dataDir = makeDataDir("bench-pods");
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    process.env.SLIPWAY_DATA_DIR = dataDir;
    process.env.SLIPWAY_SECRET_KEY = randomBytes(32).toString("hex");
    const { url, db } = await createTestDatabase(path.join(dataDir, "slipway.db"));
    const { seal } = await import("../server/crypto/secret-box");
    const cluster = await db.cluster.create({
      data: { name: "bench", server: kc.getCurrentCluster()!.server, kubeconfigEncrypted: seal(readFileSync(kubeconfigPath, "utf8")), reachable: true },
    });
    await db.$disconnect();
    const worker = fork(fileURLToPath(import.meta.url), ["--child"], {
      execArgv: ["--conditions=react-server", "--import", "tsx"],
      env: { ...process.env, DATABASE_URL: url, BENCH_CLUSTER_ID: cluster.id },
    });
    cleanups.push(async () => void worker.kill());
    const ready = await new Promise<{ baselinePeakMiB: number }>((resolve, reject) => {
      worker.once("message", (m: { baselinePeakMiB: number }) => resolve(m));
      worker.once("exit", (code) => reject(new Error(`listing process exited ${code}`)));
    });

    log(`measuring: ${iterations} iterations each, alternating, after one warm-up of each`);
    const once = await kubectl(kubeconfigPath, "pipe");
    const warm = await askChild(worker);
    const platform: ChildResult[] = [];
    const kube2: KubectlResult[] = [];
    const devNull = openSync("/dev/null", "w");
    cleanups.push(async () => closeSync(devNull));
    for (let i = 0; i < iterations; i++) {
      const order = i % 2 === 0 ? ["platform", "kubectl"] : ["kubectl", "platform"];
      for (const side of order) {
        if (side === "platform") platform.push(await askChild(worker));
        else kube2.push(await kubectl(kubeconfigPath, devNull));
      }
      const p = platform.at(-1)!;
      const k = kube2.at(-1)!;
      log(`  iteration ${i + 1}: platform ${fmt(p.ms, 0)} ms (${p.items} pods, ${p.pages} pages), kubectl ${fmt(k.ms, 0)} ms`);
    }
    worker.send({ cmd: "exit" });

    const pMs = platform.map((r) => r.ms);
    const kMs = kube2.map((r) => r.ms);
    const last = platform.at(-1)!;
    const pPeak = Math.max(...platform.map((r) => r.peakMiB));
    const kPeak = Math.max(...kube2.map((r) => r.maxRssMiB));
    console.log(`\n== listing every Slipway-managed pod: ${nodes} KWOK nodes, ${podCount} Running pods, ${iterations} iterations each ==`);
    console.log(
      table(
        ["", "p50 ms", "min ms", "items", "bytes out", "peak RSS MiB"],
        [
          ["platform: listManagedPods (admin, 500/page) + JSON", fmt(median(pMs), 0), fmt(Math.min(...pMs), 0), String(last.items), `${fmt(last.dtoBytes / 1048576, 1)} MiB`, fmt(pPeak, 1)],
          ["kubectl get pods -A -o json > /dev/null", fmt(median(kMs), 0), fmt(Math.min(...kMs), 0), String(once.items), `${fmt(once.bytes / 1048576, 1)} MiB`, fmt(kPeak, 1)],
          ["platform/kubectl", ratio(median(pMs), median(kMs)), ratio(Math.min(...pMs), Math.min(...kMs)), "", ratio(last.dtoBytes, once.bytes), ratio(pPeak, kPeak)],
        ],
      ),
    );
    console.log(
      `\nplatform process (pid ${worker.pid}): VmHWM ${fmt(pPeak, 1)} MiB after the listings, ${fmt(ready.baselinePeakMiB, 1)} MiB before the first` +
        ` (node + tsx + Prisma + client-node loaded); warm-up listing ${fmt(warm.ms, 0)} ms. kubectl: max RSS of the process (/usr/bin/time).`,
    );
    console.log(`bytes out: the DTO pages as the route serializes them vs kubectl's JSON on stdout. This benchmark process: VmHWM ${fmt(processMemory(process.pid).peakMiB, 1)} MiB.`);
    console.log(`pods when measured: ${settled.running} Running, ${settled.ready} Ready; all Running ${fmt(runningAfterS, 0)} s after the last create`);
    console.log(`machine: ${loadNote()}; API server, etcd, KWOK (heartbeating ${nodes} nodes) and both clients share these cores`);
    if (last.items !== podCount) throw new Error(`the platform listed ${last.items} pods, expected ${podCount}`);
  } finally {
    clearTimeout(limit);
    await cleanup();
  }
}

async function removeObjects(kube: Kube): Promise<void> {
  log("removing the benchmark's pods, namespaces and nodes");
  const sel = encodeURIComponent(`${BENCH_LABEL}=${BENCH}`);
  for (let i = 0; i < TEAMS; i++) {
    // Grace period 0: KWOK has no processes to stop, and namespace deletion would otherwise wait for 10,000 graceful deletions.
    await kube.request("DELETE", `/api/v1/namespaces/slipway-bench-t${i}/pods?gracePeriodSeconds=0`, { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 });
    await kube.request("DELETE", `/api/v1/namespaces/slipway-bench-t${i}`);
  }
  await kube.request("DELETE", `/api/v1/nodes?labelSelector=${sel}`);
}

if (process.argv.includes("--child")) {
  await child();
} else {
  await main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}
