import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native modules and packages that load files or engines at run time stay plain `require`s in
  // the server bundle instead of being bundled: the Prisma driver adapters, better-sqlite3's
  // .node binary, pg, the Docker client (ssh2 → cpu-features is native too) and pino's workers.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@prisma/driver-adapter-utils",
    "pg",
    "dockerode",
    "docker-modem",
    "ssh2",
    "cpu-features",
    "pino",
    "pino-pretty",
    "thread-stream",
    "tar-fs",
    "@kubernetes/client-node",
  ],
  typedRoutes: false,
  // Opened cluster apps (/open/<ticket>/…) need their trailing slashes: relative links resolve
  // against them. Dashboard pages match with or without one either way.
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  // `tsc --noEmit` is its own suite in `npm test`; repeating it inside every build costs a
  // minute on two cores and would hide the journeys behind an unrelated type error.
  typescript: { ignoreBuildErrors: true },
  // Browser hardening for every response. Pages get their Content-Security-Policy (with a nonce)
  // from proxy.ts; API responses are data, never documents, so theirs allows nothing at all.
  async headers() {
    return [
      {
        // Everything but opened apps, which set their own (server/apps/open/open-rewrite.ts).
        source: "/:path((?!open/).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          // Tenant apps never learn dashboard URLs (they carry project and app ids).
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), display-capture=(), browsing-topics=()" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
        ],
      },
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }],
      },
    ];
  },
};

export default nextConfig;
