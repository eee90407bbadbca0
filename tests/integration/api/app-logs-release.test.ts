// The logs API's release filter (the page follows a release being rolled out) the way another team
// would try it: a release of another app, or of another team's app, is "not found" like an app of
// another team, and is refused before the runtime is asked anything. No daemon runs here.
import { beforeAll, describe, expect, it } from "vitest";
import { call, setupApiTestEnv } from "../../support/api-harness";
import { FixtureFactory } from "../../support/fixtures-factory";
import { createFixtureRepo } from "../../support/git-fixtures";
import * as logsRoute from "@/app/api/v1/apps/[appId]/logs/route";
import { getDb } from "@/server/db";

describe("GET /api/v1/apps/<appId>/logs?release=", () => {
  let cookie: string;
  let appId: string;
  let ownRelease: string;
  let siblingRelease: string;
  let foreignRelease: string;

  beforeAll(async () => {
    setupApiTestEnv();
    const repo = await createFixtureRepo();
    const factory = new FixtureFactory(getDb(), { gitUrl: repo.fileUrl });
    const team = await factory.team();
    const user = await factory.user({ teamId: team.id, role: "DEVELOPER" });
    cookie = await factory.sessionCookie(user.id);
    const app = await factory.app(team.id);
    appId = app.id;
    ownRelease = (await factory.release(team.id, app.id)).id;
    siblingRelease = (await factory.release(team.id, (await factory.app(team.id)).id)).id;
    const other = await factory.team();
    foreignRelease = (await factory.release(other.id, (await factory.app(other.id)).id)).id;
  });

  const logs = (query: string) => call(logsRoute.GET, "GET", `/api/v1/apps/${appId}/logs?${query}`, { cookie, params: { appId } });

  it("answers 404 for a release of another team's app and of another app of the same team", async () => {
    for (const release of [foreignRelease, siblingRelease]) {
      const res = await logs(`release=${release}`);
      expect(res.status, release).toBe(404);
      expect(res.json.error.message).toBe("Release not found");
    }
  });

  it("refuses a release parameter that is not an id with 422", async () => {
    const res = await logs(`release=${encodeURIComponent("../x")}`);
    expect(res.status).toBe(422);
    expect(res.json.error.fields[0].path).toBe("release");
  });

  it("accepts the app's own release (the stream opens; with no daemon here it ends at once)", async () => {
    const res = await logs(`release=${ownRelease}&tail=10`);
    expect([200, 503]).toContain(res.status);
  });
});
