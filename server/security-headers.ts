// The dashboard's Content-Security-Policy, made per request by proxy.ts.
//
// Why a nonce: the App Router bootstraps with inline scripts (`self.__next_f.push(…)`) and loads
// further chunks at run time, so `script-src 'self'` alone breaks hydration and the usual
// fallback, 'unsafe-inline', lets any injected <script> run. With a fresh nonce per response and
// 'strict-dynamic', only scripts Next.js itself emitted (it reads the nonce from this header on
// the request and stamps its own tags) and what they load can run. The price is that every page
// renders per request (app/layout.tsx is force-dynamic), which a signed-in dashboard does anyway.
//
// Styles keep 'unsafe-inline': React writes `style` attributes (progress bars), which nonces
// cannot cover, and injected CSS cannot run code. Static headers that do not vary per request
// (frame, referrer, sniffing, permissions, opener) are in next.config.ts.
import { randomBytes } from "node:crypto";

export function newCspNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy({ nonce, dev, https }: { nonce: string; dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    // React's development build evaluates code for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "manifest-src 'self'",
    // Over plain http (a local install) upgrading would point the page's own requests at an
    // https port that does not exist.
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}
