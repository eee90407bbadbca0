import type { Metadata } from "next";
import type { ReactNode } from "react";
import { QueryProvider } from "@/components/providers/query-provider";
import "./globals.css";

// Every page renders per request so that it carries that response's CSP nonce (proxy.ts): a page
// prerendered at build time would have scripts without one, which the policy blocks.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Slipway",
  description: "Deploy apps from git to your own machines.",
  // public/: the logo's mark as an SVG, and an .ico for browsers that ask for /favicon.ico regardless.
  icons: { icon: [{ url: "/favicon.ico", sizes: "any" }, { url: "/icon.svg", type: "image/svg+xml" }] },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <QueryProvider>{children}</QueryProvider>
      </body>
    </html>
  );
}
