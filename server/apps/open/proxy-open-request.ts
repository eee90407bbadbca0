import "server-only";
// Serves /open/<ticket>/<path>: the request goes to the app through its cluster's API server
// (KubernetesDriver.openHttp) and the answer comes back with links, redirects and cookies mapped
// onto the open link, in a sandbox (open-rewrite.ts says why).
import { Readable } from "node:stream";
import { gunzipSync, inflateSync } from "node:zlib";
import { getDb } from "../../db";
import { AppError, notFound } from "../../errors";
import { getClusterDriver } from "../../runtime/kubernetes/cluster-drivers";
import { forwardedRequestHeaders, isHtml, responseHeaders, toOpenPath } from "./open-rewrite";
import { verifyOpenTicket } from "./open-ticket";
import { OPEN_PATH_ROOT, openPathPrefix } from "./open-path";

/** HTML is read whole to map its links; larger pages are refused rather than held in memory. */
const MAX_HTML_BYTES = 16 * 1024 * 1024;

async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new AppError("PAYLOAD_TOO_LARGE", `The app's page is over ${limit / 1024 / 1024} MiB, too large to open through the API server; give the cluster an ingress domain.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding === "deflate") return inflateSync(body);
  return body;
}

export async function proxyOpenRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const rest = url.pathname.slice(OPEN_PATH_ROOT.length + 1);
  const slash = rest.indexOf("/");
  const ticketText = slash < 0 ? rest : rest.slice(0, slash);
  const ticket = verifyOpenTicket(ticketText);
  if (ticket === "invalid") throw notFound("App");
  if (ticket === "expired") throw new AppError("GONE", "This link to the app has expired (links last 2 hours): open the app again from its page in Slipway.");
  const prefix = openPathPrefix(ticketText);
  // Relative links resolve against the app's root only with the trailing slash.
  if (slash < 0) return new Response(null, { status: 308, headers: { location: `${prefix}/${url.search}` } });

  // The person must still be in the app's team: a link outlives nothing it was made from.
  const app = await getDb().app.findFirst({
    where: { id: ticket.appId, team: { memberships: { some: { userId: ticket.userId } } } },
    select: { id: true, slug: true, project: { select: { slug: true, cluster: { select: { name: true } } } }, team: { select: { slug: true } } },
  });
  if (!app) throw notFound("App");
  if (!app.project.cluster) throw new AppError("CONFLICT", `${app.slug} no longer runs on a cluster: open it from its page.`);
  const ref = { appId: app.id, teamSlug: app.team.slug, projectSlug: app.project.slug, appSlug: app.slug };
  const driver = await getClusterDriver(app.project.cluster.name);
  const apiServerPath = driver.appProxyPath(ref);
  const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
  const answer = await driver.openHttp(ref, {
    method: req.method,
    path: `${rest.slice(slash)}${url.search}`,
    headers: forwardedRequestHeaders(req.headers),
    body: hasBody ? Readable.fromWeb(req.body as import("node:stream/web").ReadableStream) : null,
    signal: req.signal,
  });
  const headers = responseHeaders(answer.headers, apiServerPath, prefix);
  if (req.method === "HEAD" || answer.status === 204 || answer.status === 304) {
    answer.body.resume();
    return new Response(null, { status: answer.status, headers });
  }
  if (isHtml(answer.headers)) {
    const raw = await readAll(answer.body, MAX_HTML_BYTES);
    const page = toOpenPath(decoded(raw, answer.headers["content-encoding"]).toString("utf8"), apiServerPath, prefix);
    headers.delete("content-encoding");
    return new Response(page, { status: answer.status, headers });
  }
  return new Response(Readable.toWeb(answer.body) as ReadableStream, { status: answer.status, headers });
}
