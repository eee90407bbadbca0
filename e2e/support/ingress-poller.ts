// A client that keeps requesting an app through the ingress while a journey changes it (a redeploy,
// a crashing rollout), recording every answer: "no request dropped" is then an assertion on it.
import { ingressGet } from "../../tests/support/net";

export interface IngressPoll {
  ok: number;
  failed: string[];
  /** `version vN` strings seen in 200 bodies (the fixture app prints its version). */
  versions: Set<string>;
}

/** Starts polling `host` every 25 ms; `stop()` ends it and returns what was seen. */
export function pollIngress(ingressPort: number, host: string): { seen: IngressPoll; stop: () => Promise<IngressPoll> } {
  const seen: IngressPoll = { ok: 0, failed: [], versions: new Set() };
  let polling = true;
  const loop = (async () => {
    while (polling) {
      try {
        const res = await ingressGet(ingressPort, host);
        if (res.status === 200) {
          seen.ok++;
          const v = /version (v\d+)/.exec(res.body)?.[1];
          if (v) seen.versions.add(v);
        } else seen.failed.push(`HTTP ${res.status}`);
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
