#!/usr/bin/env bash
# Writes the migration for what changed in prisma/schema.prisma since the last commit, for both
# SQLite and PostgreSQL. `prisma migrate dev` cannot run with the Wasm engine here, and `migrate
# diff` refuses database URLs when a driver adapter is configured, so the diff is taken between
# the committed schema and the working one.   Usage: scripts/new-migration.sh add_widgets
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: scripts/new-migration.sh <name>}"
node scripts/sync-postgres-schema.mjs
ts="$(date -u +%Y%m%d%H%M%S)"
tmp="$(mktemp -d)"
git show HEAD:prisma/schema.prisma > "$tmp/sqlite.prisma"
git show HEAD:prisma/postgres/schema.prisma > "$tmp/postgres.prisma"
mkdir -p "prisma/migrations/${ts}_${name}" "prisma/postgres/migrations/${ts}_${name}"
DATABASE_URL="file:$tmp/x.db" npx prisma migrate diff --from-schema-datamodel "$tmp/sqlite.prisma" \
  --to-schema-datamodel prisma/schema.prisma --script > "prisma/migrations/${ts}_${name}/migration.sql"
# The pg adapter connects even for a schema-to-schema diff: use the test PostgreSQL.
DATABASE_URL="$(bash scripts/postgres-test-server.sh)" npx prisma migrate diff --from-schema-datamodel "$tmp/postgres.prisma" \
  --to-schema-datamodel prisma/postgres/schema.prisma --script > "prisma/postgres/migrations/${ts}_${name}/migration.sql"
rm -rf "$tmp"
echo "wrote prisma/migrations/${ts}_${name} and prisma/postgres/migrations/${ts}_${name}"
