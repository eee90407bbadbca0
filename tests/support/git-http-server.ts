// Loopback HTTP servers for git tests, each counting the requests it receives:
//  - startGitHttpServer: git's smart HTTP protocol (`git http-backend` as a CGI) serving the
//    repositories under `root` at http://<host>:<port>/<name>;
//  - startRedirectServer: answers every request with a redirect to `location`;
//  - startCountingServer: answers 404 to everything — a trap that must see zero requests.
//
//   const git = await startGitHttpServer({ root: path.dirname(repo.dir) });
//   git.url(path.basename(repo.dir))   // http://127.0.0.1:<port>/<name>
//   git.requests                        // ["GET /<name>/info/refs?service=git-upload-pack", …]
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingServer {
  host: string;
  port: number;
  /** "METHOD /path?query" of every request received */
  requests: string[];
  close(): Promise<void>;
}

export interface GitHttpServer extends CountingServer {
  url(repoName: string): string;
  /** Authorization headers received (a client that sends none leaves this empty) */
  authorizations: string[];
}

async function listen(server: http.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closer(server: http.Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

export async function startCountingServer(opts: { host?: string; port?: number } = {}): Promise<CountingServer> {
  const host = opts.host ?? "127.0.0.1";
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { "content-type": "text/plain" }).end("trap\n");
  });
  const port = await listen(server, host, opts.port ?? 0);
  return { host, port, requests, close: closer(server) };
}

export async function startRedirectServer(opts: { location: (path: string) => string; status?: number; host?: string }): Promise<CountingServer> {
  const host = opts.host ?? "127.0.0.1";
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(opts.status ?? 302, { location: opts.location(req.url ?? "/") }).end();
  });
  const port = await listen(server, host, 0);
  return { host, port, requests, close: closer(server) };
}

/**
 * Serves the repositories under `root` read-only over smart HTTP. With `requireAuth`, every
 * request without an Authorization header gets 401 + a Basic challenge (what makes git ask a
 * credential helper).
 */
export async function startGitHttpServer(opts: {
  root: string;
  host?: string;
  port?: number;
  requireAuth?: boolean;
  onRequest?: (line: string) => void;
}): Promise<GitHttpServer> {
  const host = opts.host ?? "127.0.0.1";
  const requests: string[] = [];
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    opts.onRequest?.(`${req.method} ${req.url}`);
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    if (opts.requireAuth && !req.headers.authorization) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"', "content-type": "text/plain" }).end("authentication required\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://x");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
      HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      REMOTE_ADDR: req.socket.remoteAddress ?? "",
      REMOTE_USER: "",
    };
    const cgi = spawn("git", ["http-backend"], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("utf8").split("\r\n")) {
        const i = line.indexOf(":");
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.stderr.on("data", (b: Buffer) => process.stderr.write(`[git http-backend] ${b.toString("utf8")}`));
    cgi.on("close", () => {
      if (!headersDone) res.writeHead(500).end("git http-backend produced no response\n");
      else res.end();
    });
  });
  const port = await listen(server, host, opts.port ?? 0);
  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { host, port, requests, authorizations, close: closer(server), url: (name) => `${base}/${name}` };
}
