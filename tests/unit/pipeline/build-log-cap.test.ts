import { describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { BuildLogSink } from "@/server/pipeline/log-sink";

// The layer above the database: a stand-in that records what the sink would insert.
function fakeDb() {
  const rows: { line: string; stream: string }[] = [];
  const db = { buildLogLine: { createMany: async ({ data }: { data: { line: string; stream: string }[] }) => void rows.push(...data) } } as unknown as Db;
  return { db, rows };
}

describe("BuildLogSink line cap", () => {
  it("stores the first N lines, one 'log truncated' line, then only Slipway's own status lines", async () => {
    const { db, rows } = fakeDb();
    const sink = new BuildLogSink(db, "b1", { maxLines: 3, maxBatch: 1000 });
    for (let i = 0; i < 50; i++) sink.write("build", `line ${i}`);
    sink.write("build", "error: it failed", "stderr", true);
    await sink.flush();
    expect(rows.map((r) => r.line)).toEqual(["line 0", "line 1", "line 2", "log truncated: only the first 3 lines of output are kept", "error: it failed"]);
  });
});
