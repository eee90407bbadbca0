// Containers carry the id of the slipwayd data dir that made them, so orphan collection never
// touches another installation's (or another test's) containers on the same engine.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function ensureInstanceId(file: string): string {
  try {
    const id = readFileSync(file, "utf8").trim();
    if (id) return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const id = randomUUID().replace(/-/g, "").slice(0, 16);
  try {
    writeFileSync(file, id, { flag: "wx" });
    return id;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
