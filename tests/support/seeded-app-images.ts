// Images of the apps a test file seeded are removed when the file ends (integration-setup.ts).
// Slipway keeps every image it builds (rollback targets), and a test's database is thrown away
// with its apps, so without this each integration run left ~500 images in the machine's one
// Podman store. Each committed build step rewrites the store's image index, so builds (the
// benchmarks' and the next tests') grew slower with every run.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { imageRepository } from "../../server/daemon/engine/container-spec";

const run = promisify(execFile);
const seededAppIds = new Set<string>();

export function rememberSeededApp(appId: string): void {
  seededAppIds.add(appId);
}

/**
 * Removes the seeded apps' images, under the name they were built with and under the names they
 * were pushed as to a cluster's registry (`<registry>/…/slipway/app-<id>:bN`); one a container
 * still uses stays (no --force), and is reported.
 */
export async function removeSeededAppImages(): Promise<void> {
  if (!seededAppIds.size) return;
  const repositories = [...seededAppIds].map((id) => imageRepository(id).replace(/^localhost\//, ""));
  seededAppIds.clear();
  const { stdout } = await run("podman", ["images", "--format", "{{.Repository}}:{{.Tag}}"]);
  const ours = (tag: string) => repositories.some((r) => tag.startsWith(`localhost/${r}:`) || tag.includes(`/${r}:`));
  const tags = [...new Set(stdout.split("\n").filter((t) => t && !t.endsWith(":<none>") && ours(t)))];
  if (!tags.length) return;
  await run("podman", ["rmi", ...tags]).catch((e: unknown) => process.stderr.write(`removing the test's app images left some behind: ${String(e)}\n`));
}
