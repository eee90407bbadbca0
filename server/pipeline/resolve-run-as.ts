// Whom a freshly built image will run as (server/runtime/run-as.ts has the policy): from its
// USER, reading its /etc/passwd and /etc/group only when USER names a user or group.
import type { Engine } from "../daemon/engine/engine";
import { needsUserTables, runAsFor, RunAsError, type RunAs } from "../runtime/run-as";
import { BuildFailure } from "./build-failure";

export async function resolveRunAs(engine: Pick<Engine, "readImageFiles">, imageId: string, imageUser: string): Promise<RunAs> {
  let tables: { passwd: string; group: string } | undefined;
  if (needsUserTables(imageUser)) {
    const files = await engine.readImageFiles(imageId, ["/etc/passwd", "/etc/group"]).catch((e: unknown) => {
      throw new BuildFailure(`The image's USER ${imageUser} names a user or group, and its /etc/passwd could not be read to find their numbers (${e instanceof Error ? e.message : String(e)}); deploy again, or give numbers (USER 10001)`);
    });
    tables = { passwd: files.get("/etc/passwd") ?? "", group: files.get("/etc/group") ?? "" };
  }
  try {
    return runAsFor(imageUser, tables);
  } catch (e) {
    if (e instanceof RunAsError) throw new BuildFailure(e.message);
    throw e;
  }
}
