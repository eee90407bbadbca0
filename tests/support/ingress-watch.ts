// A client that keeps requesting an app through the ingress while something happens to it
// (a rollout, a restart, a daemon killed) and collects every answer that was not the expected one.
import { ingressGet } from "./net";

export interface IngressWatch {
  /** stops requesting; resolves with the count and the unexpected answers */
  done(): Promise<{ requests: number; bad: string[] }>;
}

export function watchIngress(port: number, host: string, isGood: (res: { status: number; body: string }) => boolean, everyMs = 50): IngressWatch {
  let stop = false;
  let requests = 0;
  const bad: string[] = [];
  const loop = (async () => {
    while (!stop) {
      try {
        const res = await ingressGet(port, host);
        if (!isGood(res)) bad.push(`${res.status} ${res.body.slice(0, 80)}`);
      } catch (e) {
        bad.push(String(e));
      }
      requests++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async done() {
      stop = true;
      await loop;
      return { requests, bad };
    },
  };
}

/** Requests answered 200 by the given version of the fixture app. */
export const servesVersion = (version: string) => (res: { status: number; body: string }) => res.status === 200 && res.body.includes(`version ${version}`);
