// ESLint 9 flat config: Next.js (core web vitals) + typescript-eslint, and the import boundaries
// from ARCHITECTURE.md enforced rather than remembered.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The HTTP edge and the UI reach data only through server services: never the Prisma client or
// the generated models (route handlers call ONE service; pages prefetch through services too).
const dataLayerImports = {
  regex: "(^|/)server/(db|generated)(/|$)|^@prisma/",
  message:
    "app/ and components/ must not touch the database layer: call a service under server/<domain>/ (types: import its schemas.ts).",
};

export default defineConfig([
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "server/generated/**",
    // slipwayd compiled by scripts/build-daemon.mjs (npm start, the tests)
    "dist/**",
    "e2e/cluster/**",
    "test-results/**",
    "playwright-report/**",
    ".data/**",
    ".test-cache/**",
    "next-env.d.ts",
  ]),
  ...nextVitals,
  ...nextTs,
  {
    linterOptions: { reportUnusedDisableDirectives: "warn" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["warn", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-console": "off",
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [dataLayerImports] }],
    },
  },
  {
    // Client components run in the browser: of server/, only the shared zod schemas, the import-free
    // constants (server/<domain>/constants.ts: a client bundle that needs no zod must not pull it in
    // for a constant) and the error codes are theirs to import. Type-only imports are erased at
    // build time, so they are allowed.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)server/(?!.*schemas?$)(?!.*constants$)(?!errors$)",
              allowTypeImports: true,
              message: "components/ may import only server/<domain>/schemas.ts, server/<domain>/constants.ts (and server/errors) from server/; other server modules only with `import type`.",
            },
          ],
        },
      ],
    },
  },
  {
    // Imports point one way: the build pipeline uses the runtime (engine, drivers, the daemon's
    // settings), never the reverse. Only slipwayd's composition root (main.ts) wires the two.
    files: ["server/daemon/**/*.ts", "server/runtime/**/*.ts"],
    ignores: ["server/daemon/main.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ regex: "(^|/)pipeline/", message: "the runtime must not import the build pipeline (pipeline -> runtime only); wire them in server/daemon/main.ts" }] },
      ],
    },
  },
  {
    // Node scripts, the daemon, tests and the e2e harness are not React: the hooks rules' naming
    // heuristics (e.g. Playwright's `use` fixture callback) only produce noise there.
    files: ["scripts/**", "server/daemon/**", "tests/**", "e2e/**", "bench/**", "*.config.{ts,mjs}"],
    rules: {
      "react-hooks/rules-of-hooks": "off",
    },
  },
]);
