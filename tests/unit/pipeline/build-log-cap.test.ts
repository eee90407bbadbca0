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

describe("the build process's environment", () => {
  it("is an allow-list: an empty HOME and auth file of its own, no operator secret", async () => {
    const { buildEnvironment } = await import("@/server/daemon/engine/podman-build");
    const env = buildEnvironment("/tmp/b1.podman", "/data/containers.conf", {
      PATH: "/usr/bin",
      HOME: "/root",
      REGISTRY_AUTH_FILE: "/root/auth.json",
      AWS_SECRET_ACCESS_KEY: "secret",
      HTTPS_PROXY: "http://proxy.internal:3128",
      LANG: "C.UTF-8",
    } as unknown as NodeJS.ProcessEnv);
    expect(env).toEqual({
      PATH: "/usr/bin",
      HOME: "/tmp/b1.podman/home",
      XDG_CONFIG_HOME: "/tmp/b1.podman/home/.config",
      DOCKER_CONFIG: "/tmp/b1.podman/home/.docker",
      REGISTRY_AUTH_FILE: "/tmp/b1.podman/auth.json",
      TMPDIR: "/tmp/b1.podman/tmp",
      CONTAINERS_CONF: "/data/containers.conf",
      LANG: "C.UTF-8",
    });
  });
});
