// A client that keeps requesting an app while a journey changes it (a redeploy, a crashing
// rollout), recording every answer: "no request dropped" is then an assertion on it. Through the
// ingress (embedded runtime) or at a URL (a cluster app's open link on the dashboard's origin).
import { ingressGet } from "../../tests/support/net";

export interface IngressPoll {
  ok: number;
  failed: string[];
  /** `version vN` strings seen in 200 bodies (the fixture app prints its version). */
  versions: Set<string>;
}

export interface AppPoller {
  seen: IngressPoll;
  /** Ends the polling and returns what was seen. */
  stop: () => Promise<IngressPoll>;
}

/** Starts requesting with `get` every 25 ms, one request at a time. */
function pollWith(get: () => Promise<{ status: number; body: string }>): AppPoller {
  const seen: IngressPoll = { ok: 0, failed: [], versions: new Set() };
  let polling = true;
  const loop = (async () => {
    while (polling) {
      try {
        const res = await get();
        if (res.status === 200) {
          seen.ok++;
          const v = /version (v\d+)/.exec(res.body)?.[1];
          if (v) seen.versions.add(v);
        } else seen.failed.push(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      } catch (e) {
        seen.failed.push((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    seen,
    async stop() {
      polling = false;
      await loop;
      return seen;
    },
  };
}

/** Polls `host` through the ingress proxy on `ingressPort`. */
export function pollIngress(ingressPort: number, host: string): AppPoller {
  return pollWith(() => ingressGet(ingressPort, host));
}

/** Polls an absolute URL (e.g. a cluster app's open link), as a browser tab would load it. */
export function pollUrl(url: string): AppPoller {
  return pollWith(async () => {
    const res = await fetch(url, { headers: { accept: "text/html" }, signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  });
}
