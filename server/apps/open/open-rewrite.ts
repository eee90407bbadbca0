// What passes between the browser and an opened app, in both directions. Pure, so unit-tested.
//
// Towards the app: only headers an app needs; never the dashboard's session or team cookies, nor
// a bearer token (the API server authenticates Slipway, not the visitor).
// Towards the browser: the API server has rewritten the app's root-relative HTML links and
// redirects to its own proxy path; they are mapped to the open link's path. The page is then
// served in a CSP sandbox without `allow-same-origin`: it runs as an opaque origin, so the
// tenant's scripts can neither read the dashboard's cookies nor call its API as the visitor.
import type { IncomingHttpHeaders } from "node:http";

const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "accept-language",
  "cache-control",
  "content-length",
  "content-type",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "if-unmodified-since",
  "pragma",
  "range",
  "user-agent",
  "x-requested-with",
];

/** Cookies of the dashboard itself (better-auth's session, Slipway's team choice): never forwarded. */
const DASHBOARD_COOKIE = /^(__Secure-|__Host-)?(better-auth[._-]|slipway_)/;

/** Response headers that describe one hop or that Slipway sets itself. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
  "trailer",
  "set-cookie",
  "location",
  "content-length",
  "referrer-policy",
  "x-frame-options",
  "cross-origin-resource-policy",
  "cross-origin-opener-policy",
  "access-control-allow-origin",
  "access-control-allow-credentials",
]);

/** The opened page's policy: its own scripts, forms and popups, but an opaque origin and no framing. */
export const OPEN_SANDBOX_POLICY = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads; frame-ancestors 'none'";

export function forwardedRequestHeaders(incoming: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = incoming.get(name);
    if (value !== null) out[name] = value;
  }
  // gzip or nothing: the API server can read (and rewrite) gzip'd HTML, not brotli.
  out["accept-encoding"] = /\bgzip\b/.test(incoming.get("accept-encoding") ?? "") ? "gzip" : "identity";
  const cookies = (incoming.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c && !DASHBOARD_COOKIE.test(c.split("=", 1)[0]!));
  if (cookies.length) out.cookie = cookies.join("; ");
  return out;
}

/** The API server's proxy path → the open link's path, in a redirect target or an HTML body. */
export function toOpenPath(text: string, apiServerPath: string, openPrefix: string): string {
  return text.split(apiServerPath).join(openPrefix);
}

/** A redirect stays inside the open link when it points into the app; elsewhere it is left alone. */
export function rewriteLocation(location: string, apiServerPath: string, openPrefix: string): string {
  if (location.startsWith(apiServerPath)) return openPrefix + location.slice(apiServerPath.length);
  // The API server prefixes only when the target is the app itself; a bare root path means the app.
  if (location.startsWith("/") && !location.startsWith("//") && !location.startsWith(openPrefix)) return openPrefix + location;
  return location;
}

/** An app's cookie is scoped to its open link (never the dashboard's path), without a Domain. */
export function rewriteSetCookie(cookie: string, openPrefix: string): string {
  const [pair, ...attributes] = cookie.split(";");
  const kept = attributes.map((a) => a.trim()).filter((a) => a && !/^(path|domain)\s*=/i.test(a));
  return [pair!.trim(), `Path=${openPrefix}/`, ...kept].join("; ");
}

export function responseHeaders(app: IncomingHttpHeaders, apiServerPath: string, openPrefix: string): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(app)) {
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  const location = app.location;
  if (typeof location === "string") out.set("location", rewriteLocation(location, apiServerPath, openPrefix));
  for (const cookie of app["set-cookie"] ?? []) out.append("set-cookie", rewriteSetCookie(cookie, openPrefix));
  // The app's own policy (if any) still applies; this one is added to it.
  out.append("content-security-policy", OPEN_SANDBOX_POLICY);
  // The link is a capability: it must not leak to other sites through Referer.
  out.set("referrer-policy", "no-referrer");
  out.set("x-frame-options", "DENY");
  // The sandboxed page is an opaque origin: its scripts, images and fetches of its own URLs are
  // cross-origin requests, which these allow (without credentials).
  out.set("cross-origin-resource-policy", "cross-origin");
  out.set("access-control-allow-origin", "*");
  out.set("x-content-type-options", "nosniff");
  return out;
}

export function isHtml(headers: IncomingHttpHeaders): boolean {
  return (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase() === "text/html";
}
