// Writes prisma/postgres/schema.prisma from prisma/schema.prisma: the models are shared, only the
// datasource provider and the generated client's folder differ.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const source = readFileSync("prisma/schema.prisma", "utf8");
const postgres = source
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('output     = "../server/generated/sqlite"', 'output     = "../../server/generated/postgres"')
  .replace(/^\/\/ Slipway's tenant[\s\S]*?db:sync`\.\n/m, "// GENERATED from prisma/schema.prisma by scripts/sync-postgres-schema.mjs. Do not edit.\n");
if (postgres === source) throw new Error("sync-postgres-schema: nothing replaced; check the generator block");
mkdirSync("prisma/postgres", { recursive: true });
writeFileSync("prisma/postgres/schema.prisma", postgres);
