// A steady stream of GETs through the ingress (one new connection each, like distinct visitors),
// counting every answer that is not a 200 with the expected body. Integration tests and
// bench/daemon-kill.ts run it while slipwayd is killed, restarted or rolling out.
import { ingressGet } from "./net";

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** the first failures, as "status body" or the error's message */
  failures: string[];
  /** wall-clock time of the first answer whose body matched `mark` (see startIngressLoad) */
  firstMarkAt: number | null;
  /** response bodies seen, counted */
  bodies: Map<string, number>;
}

export interface IngressLoad {
  result: LoadResult;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<LoadResult>;
}

export function startIngressLoad(opts: {
  port: number;
  host: string;
  rps: number;
  path?: string;
  /** a 200 must contain this to count as ok */
  expect?: RegExp;
  /** records when a body first matched this (e.g. the new version) */
  mark?: RegExp;
  timeoutMs?: number;
}): IngressLoad {
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, failures: [], firstMarkAt: null, bodies: new Map() };
  const inFlight = new Set<Promise<void>>();
  const fail = (why: string) => {
    result.failed++;
    if (result.failures.length < 20) result.failures.push(why);
  };
  const one = async () => {
    try {
      const res = await ingressGet(opts.port, opts.host, opts.path ?? "/", opts.timeoutMs ?? 10_000);
      const body = res.body.trim();
      if (res.status !== 200 || (opts.expect && !opts.expect.test(body))) return fail(`${res.status} ${body.slice(0, 200)}`);
      result.ok++;
      const key = body.slice(0, 200);
      result.bodies.set(key, (result.bodies.get(key) ?? 0) + 1);
      if (opts.mark && result.firstMarkAt === null && opts.mark.test(body)) result.firstMarkAt = Date.now();
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
  };
  // Paced from the start time, not by setInterval drift: `rps` on average even on a busy machine.
  const started = Date.now();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((Date.now() - started) / 1000) * opts.rps);
    while (result.sent < due) {
      result.sent++;
      const p = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    setTimeout(tick, 5);
  };
  tick();
  return {
    result,
    async stop() {
      stopped = true;
      while (inFlight.size) await Promise.all([...inFlight]);
      return result;
    },
  };
}
