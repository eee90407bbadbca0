import "server-only";
// The HTTP proof of a custom domain: the hostname resolves (through the domain checks' DNS
// servers) to addresses the address policy allows, and one of them answers
// GET /.well-known/slipway-challenge/<domain id> with the token. The request goes to the address
// that was checked (no second resolution to rebind), with the hostname as Host, follows no
// redirect, waits 5 s at most and reads 1 KiB at most: the answer is a token, nothing more.
import http from "node:http";
import { isIP } from "node:net";
import { getEnv } from "../env";
import { HostRefused, resolveAndCheck } from "../net/resolve-and-check";
import { constantTimeEqual } from "../webhooks/providers/verify";
import { HTTP_CHALLENGE_PATH } from "./constants";
import { domainDnsServers } from "./dns-resolver";

const TIMEOUT_MS = 5000;
const MAX_BODY_BYTES = 1024;

export interface HttpProofOptions {
  hostname: string;
  domainId: string;
  token: string;
  /** Platform setting: loopback, private and metadata addresses may be fetched from. */
  allowPrivate: boolean;
}

type Answer = { status: number; body: string; tooLarge: boolean } | { error: string };

function fetchOnce(address: string, port: number, hostHeader: string, path: string, deadline: number): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request({ host: address, family: isIP(address), port, path, method: "GET", headers: { host: hostHeader, "user-agent": "slipway-domain-check", accept: "text/plain" } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: "", tooLarge: true });
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), tooLarge: false }));
      res.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ error: `no answer within ${TIMEOUT_MS / 1000} s` });
    }, Math.max(0, deadline - Date.now()));
    req.on("close", () => clearTimeout(timer));
    req.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

/** null when the hostname proved itself by HTTP; else what was found and what to do next. */
export async function checkHttpProof({ hostname, domainId, token, allowPrivate }: HttpProofOptions): Promise<string | null> {
  let addresses: string[];
  try {
    addresses = await resolveAndCheck({ host: hostname, allowPrivate, servers: domainDnsServers() });
  } catch (error) {
    if (!(error instanceof HostRefused)) throw error;
    if (error.reason === "internal") {
      return `${hostname} resolves to a loopback, private or metadata address (${error.address ?? "internal"}), which Slipway does not fetch from. Point it at this Slipway's public address, or use the TXT record; a platform admin can allow private hosts.`;
    }
    const code = /\(([^)]*)\)/.exec(error.message)?.[1] ?? "no address";
    return `${hostname} does not resolve (${code}). Point an A, AAAA or CNAME record at this Slipway and check again; DNS changes can take minutes.`;
  }
  const port = getEnv().SLIPWAY_DOMAIN_HTTP_PORT;
  const path = `${HTTP_CHALLENGE_PATH}${domainId}`;
  const url = `http://${hostname}${port === 80 ? "" : `:${port}`}${path}`;
  // As a browser would send it: the port is part of Host unless it is the scheme's default.
  const hostHeader = port === 80 ? hostname : `${hostname}:${port}`;
  const deadline = Date.now() + TIMEOUT_MS;
  const found: string[] = [];
  for (const address of addresses) {
    const answer = await fetchOnce(address, port, hostHeader, path, deadline);
    const at = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
    if ("error" in answer) {
      found.push(`${at}: ${answer.error}`);
    } else if (answer.status === 200 && !answer.tooLarge && constantTimeEqual(answer.body.trim(), token)) {
      return null;
    } else {
      const what = answer.tooLarge ? "a body over 1 KiB" : answer.status >= 300 && answer.status < 400 ? "a redirect, which is not followed" : answer.status === 200 ? "a different body" : "no token";
      found.push(`${at}: ${answer.status} with ${what}`);
    }
    if (Date.now() >= deadline) break;
  }
  return `${url} did not answer with the token (${found.join("; ")}). Point ${hostname} at this Slipway (an A/AAAA record to its address, or a CNAME to the app's hostname) and check again; DNS changes can take minutes.`;
}
