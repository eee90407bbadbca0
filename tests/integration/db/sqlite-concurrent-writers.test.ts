// The web and slipwayd are two processes writing one SQLite file. A transaction that reads and then
// writes must not fail because the other process committed in between (SQLITE_BUSY_SNAPSHOT): it
// waits its turn instead. The other writer here is a real second process.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/server/db";
import { createTestDatabase, type TestDatabase } from "../../support/test-db";

/** Starts a process that inserts one team; resolves when it is about to write, with its exit to await. */
async function otherProcessWriter(file: string, slug: string) {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.exec("PRAGMA busy_timeout = 15000");
    process.stdout.write("writing\\n");
    db.prepare("INSERT INTO Team (id, slug, name, createdAt) VALUES (?, ?, ?, ?)")
      .run(process.argv[2], process.argv[2], process.argv[2], Date.now());
    process.stdout.write("wrote\\n");`;
  const child = spawn(process.execPath, ["-e", script, file, slug], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => ({ code: code as number | null, stderr }));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("writing") && resolve());
    void exited.then((r) => reject(new Error(`writer exited before writing: ${r.code} ${r.stderr}`)));
  });
  // Wrapped: an async function returning the promise itself would wait for the exit here.
  return { exited };
}

describe("SQLite with two writing processes", () => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase({ provider: "sqlite" });
    // A client of its own, as the web server has: the test database's client is left alone.
    db = createDb(t.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await t?.drop();
  });

  it("a read-then-write transaction waits for the other process instead of failing with a stale snapshot", async () => {
    const file = t.url.replace(/^file:/, "");
    await db.team.create({ data: { slug: "first", name: "First" } });
    let writer: Promise<{ code: number | null; stderr: string }> | undefined;
    const renamed = await db.$transaction(async (tx) => {
      const team = await tx.team.findUniqueOrThrow({ where: { slug: "first" } });
      writer = (await otherProcessWriter(file, "second")).exited;
      // Give the other process time to try its insert (it must wait for this transaction).
      await new Promise((r) => setTimeout(r, 300));
      return tx.team.update({ where: { id: team.id }, data: { name: "First, renamed" } });
    });
    expect(renamed.name).toBe("First, renamed");
    const other = await writer!;
    expect(other.code, other.stderr).toBe(0);
    const slugs = (await db.team.findMany({ orderBy: { slug: "asc" } })).map((team) => team.slug);
    expect(slugs).toEqual(["first", "second"]);
  });
});
