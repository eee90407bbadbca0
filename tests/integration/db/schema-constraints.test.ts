// The guarantees the services lean on, checked against real databases of both providers through
// the committed migrations: if a migration or a provider drifts, these fail before a service does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db";
import { createTestDatabase, TEST_DB_PROVIDERS, type TestDatabase } from "../../support/test-db";

async function seedTeam(db: Db, slug: string) {
  const team = await db.team.create({ data: { slug, name: slug.toUpperCase() } });
  const project = await db.project.create({ data: { teamId: team.id, slug: "web", name: "Web" } });
  const app = await db.app.create({
    data: { teamId: team.id, projectId: project.id, slug: "api", gitUrl: "https://git.example.test/api.git" },
  });
  const build = await db.build.create({ data: { teamId: team.id, appId: app.id, number: 1, gitRef: "main" } });
  await db.buildLogLine.createMany({
    data: ["one", "two", "three"].map((line) => ({ buildId: build.id, step: "build", line })),
  });
  const release = await db.release.create({
    data: {
      teamId: team.id,
      appId: app.id,
      version: 1,
      buildId: build.id,
      imageRef: `slipway/${slug}-web-api:b1`,
      imageDigest: "sha256:" + "0".repeat(64),
      configSnapshot: "{}",
    },
  });
  return { team, project, app, build, release };
}

describe.each(TEST_DB_PROVIDERS)("database schema on %s", (provider) => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase({ provider });
    db = t.db;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("is migrated from the committed migrations and starts empty", async () => {
    expect(t.url.startsWith(provider === "postgres" ? "postgresql://" : "file:")).toBe(true);
    expect(await db.team.count()).toBe(0);
    expect(await db.buildLogLine.count()).toBe(0);
  });

  it("refuses a second team with the same slug (P2002) and keeps the first", async () => {
    await db.team.create({ data: { slug: "acme", name: "Acme" } });
    await expect(db.team.create({ data: { slug: "acme", name: "Other Acme" } })).rejects.toMatchObject({ code: "P2002" });
    const teams = await db.team.findMany({ where: { slug: "acme" } });
    expect(teams.map((x) => x.name)).toEqual(["Acme"]);
  });

  it("scopes project slugs to their team", async () => {
    const a = await db.team.create({ data: { slug: "team-a", name: "A" } });
    const b = await db.team.create({ data: { slug: "team-b", name: "B" } });
    await db.project.create({ data: { teamId: a.id, slug: "shop", name: "Shop" } });
    await db.project.create({ data: { teamId: b.id, slug: "shop", name: "Shop" } });
    await expect(db.project.create({ data: { teamId: a.id, slug: "shop", name: "Again" } })).rejects.toMatchObject({
      code: "P2002",
    });
    expect(await db.project.count({ where: { slug: "shop" } })).toBe(2);
  });

  it("refuses a project of a team that does not exist (foreign keys are enforced)", async () => {
    await expect(db.project.create({ data: { teamId: "no-such-team", slug: "x", name: "X" } })).rejects.toMatchObject({
      code: "P2003",
    });
  });

  it("deleting a team removes its projects, apps, builds, log lines and releases, and nothing of another team", async () => {
    const doomed = await seedTeam(db, "doomed");
    const kept = await seedTeam(db, "kept");

    await db.team.delete({ where: { id: doomed.team.id } });

    expect(await db.project.count({ where: { teamId: doomed.team.id } })).toBe(0);
    expect(await db.app.findUnique({ where: { id: doomed.app.id } })).toBeNull();
    expect(await db.build.findUnique({ where: { id: doomed.build.id } })).toBeNull();
    expect(await db.buildLogLine.count({ where: { buildId: doomed.build.id } })).toBe(0);
    expect(await db.release.findUnique({ where: { id: doomed.release.id } })).toBeNull();

    expect(await db.app.findUnique({ where: { id: kept.app.id } })).not.toBeNull();
    expect(await db.buildLogLine.count({ where: { buildId: kept.build.id } })).toBe(3);
    expect(await db.release.findUnique({ where: { id: kept.release.id } })).not.toBeNull();
  });

  it("numbers log lines in insertion order across builds, and never reuses an id after a delete", async () => {
    const { app, team } = await seedTeam(db, "logs");
    const b2 = await db.build.create({ data: { teamId: team.id, appId: app.id, number: 2, gitRef: "main" } });
    const b3 = await db.build.create({ data: { teamId: team.id, appId: app.id, number: 3, gitRef: "main" } });

    const written: string[] = [];
    for (let i = 0; i < 30; i++) {
      const build = i % 3 === 0 ? b3 : b2;
      const line = `line ${i}`;
      written.push(line);
      await db.buildLogLine.create({ data: { buildId: build.id, step: "build", line } });
    }
    await db.buildLogLine.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ buildId: b2.id, step: "push", line: `bulk ${i}` })),
    });
    written.push(...Array.from({ length: 20 }, (_, i) => `bulk ${i}`));

    const all = await db.buildLogLine.findMany({
      where: { buildId: { in: [b2.id, b3.id] } },
      orderBy: { id: "asc" },
    });
    expect(all.map((l) => l.line)).toEqual(written);
    for (let i = 1; i < all.length; i++) expect(all[i]!.id).toBeGreaterThan(all[i - 1]!.id);

    // A reader resuming "after id N" (SSE Last-Event-ID) must never miss a line written later:
    // the newest id must not come back after its row is deleted.
    const newest = all[all.length - 1]!;
    await db.buildLogLine.delete({ where: { id: newest.id } });
    const next = await db.buildLogLine.create({ data: { buildId: b2.id, step: "push", line: "after delete" } });
    expect(next.id).toBeGreaterThan(newest.id);

    const resumed = await db.buildLogLine.findMany({
      where: { buildId: b2.id, id: { gt: all[10]!.id } },
      orderBy: { id: "asc" },
    });
    expect(resumed.at(-1)?.line).toBe("after delete");
    expect(resumed.every((l) => l.id > all[10]!.id)).toBe(true);
  });

  it("keeps release versions unique per app", async () => {
    const { app, team } = await seedTeam(db, "releases");
    await expect(
      db.release.create({
        data: { teamId: team.id, appId: app.id, version: 1, imageRef: "x", imageDigest: "sha256:1", configSnapshot: "{}" },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
    await db.release.create({
      data: { teamId: team.id, appId: app.id, version: 2, imageRef: "x", imageDigest: "sha256:2", configSnapshot: "{}" },
    });
    expect(await db.release.count({ where: { appId: app.id } })).toBe(2);
  });
});

describe("test databases", () => {
  it.each(TEST_DB_PROVIDERS)("are isolated from each other and gone after drop (%s)", async (provider) => {
    const one = await createTestDatabase({ provider });
    const two = await createTestDatabase({ provider });
    try {
      expect(one.url).not.toBe(two.url);
      await one.db.team.create({ data: { slug: "only-in-one", name: "One" } });
      expect(await two.db.team.count()).toBe(0);
    } finally {
      await one.drop();
      await two.drop();
    }
    const again = await createTestDatabase({ provider });
    try {
      expect(await again.db.team.count()).toBe(0);
    } finally {
      await again.drop();
    }
  });
});
