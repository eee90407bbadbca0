// A real CNCF Distribution registry (Debian's docker-registry) on 127.0.0.1, plain http, storage
// in a directory of the test's: what a cluster's nodes pull from in tests.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "./net";

export interface LoopbackRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  addr: string;
  stop(): void;
}

export async function startLoopbackRegistry(root: string): Promise<LoopbackRegistry> {
  const addr = `127.0.0.1:${await freePort()}`;
  mkdirSync(path.join(root, "data"), { recursive: true });
  const config = path.join(root, "config.yml");
  writeFileSync(
    config,
    ["version: 0.1", "log:", "  level: warn", "storage:", "  filesystem:", `    rootdirectory: ${path.join(root, "data")}`, "http:", `  addr: ${addr}`, ""].join("\n"),
  );
  const child = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString("utf8")));
  child.stderr.on("data", (b: Buffer) => (output += b.toString("utf8")));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://${addr}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`docker-registry did not answer on ${addr}:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { addr, stop: () => void child.kill("SIGTERM") };
}
