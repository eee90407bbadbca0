// Which apps work on their volumes holds (server/volumes/app-hold.ts), on both providers: a
// restore queued or running, a consistent backup running, an embedded volume being grown offline;
// not a plain backup, a finished operation, a detached volume or a cluster project's volume.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { appsHeldByVolumeOperations } from "@/server/volumes/app-hold";
import { createTestDatabase, TEST_DB_PROVIDERS, type TestDatabase } from "../../support/test-db";

describe.each(TEST_DB_PROVIDERS)("apps held by volume operations on %s", (provider) => {
  let t: TestDatabase;
  let db: Db;
  const ids: Record<string, string> = {};

  async function appWithVolume(slug: string, over: { sizeGib?: number; provisionedGib?: number; state?: string; attached?: boolean; clusterId?: string } = {}) {
    const team = await db.team.upsert({ where: { slug: "hold" }, update: {}, create: { slug: "hold", name: "Hold" } });
    const project = await db.project.create({ data: { teamId: team.id, slug: `p-${slug}`, name: slug, clusterId: over.clusterId ?? null } });
    const app = await db.app.create({ data: { teamId: team.id, projectId: project.id, slug, gitUrl: "https://git.example.test/x.git" } });
    const volume = await db.volume.create({
      data: {
        teamId: team.id,
        projectId: project.id,
        appId: over.attached === false ? null : app.id,
        name: `vol-${slug}`,
        mountPath: over.attached === false ? "" : "/data",
        sizeGib: over.sizeGib ?? 1,
        provisionedGib: over.provisionedGib ?? 1,
        state: over.state ?? "ready",
      },
    });
    ids[slug] = app.id;
    return { team, project, app, volume };
  }

  async function backup(v: { team: { id: string }; project: { id: string }; volume: { id: string; name: string } }, status: string, consistent: boolean) {
    return db.volumeBackup.create({ data: { teamId: v.team.id, volumeId: v.volume.id, volumeName: v.volume.name, projectId: v.project.id, status, consistent } });
  }

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    db = t.db;
    const restoring = await appWithVolume("restoring");
    const b = await backup(restoring, "SUCCEEDED", false);
    await db.volumeRestore.create({ data: { teamId: restoring.team.id, backupId: b.id, volumeId: restoring.volume.id, status: "QUEUED" } });
    const restored = await appWithVolume("restored");
    const b2 = await backup(restored, "SUCCEEDED", false);
    await db.volumeRestore.create({ data: { teamId: restored.team.id, backupId: b2.id, volumeId: restored.volume.id, status: "SUCCEEDED" } });
    await backup(await appWithVolume("consistent"), "RUNNING", true);
    await backup(await appWithVolume("plain"), "RUNNING", false);
    await backup(await appWithVolume("queued-consistent"), "QUEUED", true);
    await appWithVolume("growing", { sizeGib: 2, provisionedGib: 1, state: "pending" });
    await appWithVolume("new-volume", { sizeGib: 1, provisionedGib: 0, state: "pending" });
    const cluster = await db.cluster.create({ data: { name: "c1", server: "https://127.0.0.1:1", kubeconfigEncrypted: "" } });
    await appWithVolume("cluster-growing", { sizeGib: 2, provisionedGib: 1, state: "pending", clusterId: cluster.id });
    const detached = await appWithVolume("detached", { attached: false });
    await backup(detached, "RUNNING", true);
  });

  afterAll(async () => {
    await t?.drop();
  });

  it("holds the apps a restore, a consistent backup or an offline grow is working on, each with its reason", async () => {
    const held = await appsHeldByVolumeOperations(db);
    expect(Object.fromEntries([...held].map(([appId, reason]) => [Object.keys(ids).find((k) => ids[k] === appId), reason]))).toEqual({
      restoring: "volume vol-restoring is being restored from a backup",
      consistent: "volume vol-consistent is being backed up (a consistent backup stops the app for the copy)",
      growing: "volume vol-growing is being grown from 1 GiB to 2 GiB",
    });
  });

  it("answers for the apps asked about only", async () => {
    const held = await appsHeldByVolumeOperations(db, [ids.restoring!, ids.plain!]);
    expect([...held.keys()]).toEqual([ids.restoring]);
    expect((await appsHeldByVolumeOperations(db, [])).size).toBe(0);
  });
});
