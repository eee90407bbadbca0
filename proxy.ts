// Runs before every page render: a fresh CSP nonce per response (server/security-headers.ts
// explains the policy), and HSTS when the dashboard is served over https.
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newCspNonce } from "@/server/security-headers";
import { usesHttps } from "@/server/auth/cookies";

export function proxy(request: NextRequest): NextResponse {
  const https = usesHttps();
  const csp = contentSecurityPolicy({ nonce: newCspNonce(), dev: process.env.NODE_ENV === "development", https });
  // Next.js reads the nonce from the request's policy and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", "max-age=31536000");
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API responses get their own fixed policy (next.config.ts), static files none.
      // Opened apps (/open/…) get a sandbox policy of their own (server/apps/open/open-rewrite.ts).
      source: "/((?!api/|open/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
