// Records made directly with Prisma, so that a test can give every case its own fresh team,
// project, app, build, release, cluster, invitation, token or member (destructive routes need
// one each) without going through the API it is testing. Sessions are made the way better-auth
// makes them (a session row and an HMAC-signed cookie), so tests need no sign-up and do not
// depend on the sign-up policy.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/server/db";
import type { RoleName } from "@/server/auth/permissions";
import { getAuthSecret } from "@/server/auth/auth-secret";
import { newApiTokenSecret } from "@/server/auth/api-tokens/token-secret";
import { seal, sealJson } from "@/server/crypto/secret-box";
import { configSnapshotOf } from "@/server/releases/create-release";

const SESSION_COOKIE = "better-auth.session_token";

/** A kubeconfig for a cluster that never answers (a closed loopback port): probes fail fast. */
export function unreachableKubeconfig(name: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{ name: ${name}, cluster: { server: "https://127.0.0.1:9" } }]`,
    `users: [{ name: ${name}, user: { token: "not-a-real-token" } }]`,
    `contexts: [{ name: ${name}, context: { cluster: ${name}, user: ${name} } }]`,
    `current-context: ${name}`,
    "",
  ].join("\n");
}

export class FixtureFactory {
  private counter = 0;
  private readonly run = randomBytes(3).toString("hex");

  constructor(
    private readonly db: Db,
    private readonly options: { gitUrl: string },
  ) {}

  /** A DNS-1123 label nobody else in this run has: `<prefix>-<run>-<n>`. */
  slug(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.run}-${this.counter.toString(36)}`;
  }

  /** A team with a quota large enough that authorization, not capacity, decides every case. */
  async team(prefix = "team") {
    const slug = this.slug(prefix);
    return this.db.team.create({
      data: {
        slug,
        name: `Team ${slug}`,
        quota: { create: { cpuMillicores: 10_000_000, memoryMib: 10_000_000, storageGib: 100_000, maxApps: 100_000, maxConcurrentBuilds: 100_000 } },
      },
    });
  }

  async user(options: { email?: string; isPlatformAdmin?: boolean; teamId?: string; role?: RoleName } = {}) {
    const id = `user_${randomBytes(9).toString("hex")}`;
    const email = options.email ?? `${this.slug("user")}@example.test`;
    const user = await this.db.user.create({ data: { id, email, name: email.split("@")[0]!, emailVerified: true, isPlatformAdmin: options.isPlatformAdmin ?? false } });
    if (options.teamId) await this.member(options.teamId, user.id, options.role ?? "VIEWER");
    return user;
  }

  async member(teamId: string, userId: string, role: RoleName) {
    return this.db.membership.upsert({
      where: { teamId_userId: { teamId, userId } },
      create: { teamId, userId, role },
      update: { role },
    });
  }

  /** A signed-in browser session for the user: the Cookie header value. */
  async sessionCookie(userId: string): Promise<string> {
    const token = randomBytes(24).toString("base64url");
    await this.db.session.create({
      data: { id: `sess_${randomBytes(9).toString("hex")}`, token, userId, expiresAt: new Date(Date.now() + 24 * 3600_000) },
    });
    const signature = createHmac("sha256", getAuthSecret()).update(token).digest("base64");
    return `${SESSION_COOKIE}=${encodeURIComponent(`${token}.${signature}`)}`;
  }

  /** An API token row (hashed) and the secret to send as `Authorization: Bearer`. */
  async apiToken(options: { teamId: string; userId: string; role: RoleName; name?: string }) {
    const secret = newApiTokenSecret();
    const row = await this.db.apiToken.create({
      data: {
        teamId: options.teamId,
        userId: options.userId,
        role: options.role,
        name: options.name ?? this.slug("token"),
        tokenHash: secret.tokenHash,
        tokenPrefix: secret.tokenPrefix,
      },
    });
    return { row, token: secret.token };
  }

  async project(teamId: string) {
    const slug = this.slug("proj");
    return this.db.project.create({ data: { teamId, slug, name: `Project ${slug}` } });
  }

  async app(teamId: string, projectId?: string) {
    const project = projectId ?? (await this.project(teamId)).id;
    return this.db.app.create({
      data: { teamId, projectId: project, slug: this.slug("app"), gitUrl: this.options.gitUrl, envEncrypted: sealJson({ SECRET_VALUE: "fixture" }) },
    });
  }

  /** A pending custom domain of the app (hostname under example.test), with its proof token. */
  async domain(teamId: string, appId: string) {
    return this.db.domain.create({
      data: { teamId, appId, hostname: `${this.slug("dom")}.example.test`, verificationToken: randomBytes(32).toString("base64url") },
    });
  }

  /** A finished backup of the volume (no archive stored: deleting it has nothing to remove). */
  async backup(teamId: string, volumeId: string) {
    const v = await this.db.volume.findUniqueOrThrow({ where: { id: volumeId } });
    return this.db.volumeBackup.create({
      data: { teamId, volumeId, volumeName: v.name, projectId: v.projectId, status: "SUCCEEDED", sha256: randomBytes(32).toString("hex"), sizeBytes: 1000, dataBytes: 4096, finishedAt: new Date() },
    });
  }

  /** A restore of the backup into its volume, finished. */
  async restore(teamId: string, backupId: string, volumeId: string) {
    return this.db.volumeRestore.create({ data: { teamId, backupId, volumeId, status: "SUCCEEDED", totalBytes: 4096, bytesDone: 4096, finishedAt: new Date() } });
  }

  /** An S3 backup target of the team (a loopback endpoint nothing listens on). */
  async backupTarget(teamId: string) {
    return this.db.backupTarget.create({
      data: { teamId, name: this.slug("target"), endpoint: "http://127.0.0.1:9", bucket: "fixture-bucket", accessKeyId: "fixture", secretAccessKeyEncrypted: seal("fixture-secret") },
    });
  }

  /** A detached 1 GiB volume of the project (the runtime would make it; nothing here does). */
  async volume(teamId: string, projectId: string) {
    return this.db.volume.create({ data: { teamId, projectId, name: this.slug("vol"), sizeGib: 1 } });
  }

  async build(teamId: string, appId: string, status: "QUEUED" | "SUCCEEDED" | "FAILED" = "SUCCEEDED") {
    const max = await this.db.build.aggregate({ where: { appId }, _max: { number: true } });
    const finished = status === "QUEUED" ? null : new Date();
    return this.db.build.create({
      data: {
        teamId,
        appId,
        number: (max._max.number ?? 0) + 1,
        status,
        gitRef: "main",
        commitSha: randomBytes(20).toString("hex"),
        imageRef: status === "SUCCEEDED" ? `localhost/slipway/fixture:${this.counter}` : null,
        imageDigest: status === "SUCCEEDED" ? `sha256:${randomBytes(32).toString("hex")}` : null,
        startedAt: finished,
        finishedAt: finished,
      },
    });
  }

  /** A release that went live (a valid rollback target), made from a succeeded build. */
  async release(teamId: string, appId: string) {
    const app = await this.db.app.findUniqueOrThrow({ where: { id: appId } });
    const build = await this.build(teamId, appId, "SUCCEEDED");
    const max = await this.db.release.aggregate({ where: { appId }, _max: { version: true } });
    const snapshot = configSnapshotOf(app);
    const release = await this.db.release.create({
      data: {
        teamId,
        appId,
        version: (max._max.version ?? 0) + 1,
        buildId: build.id,
        imageRef: build.imageRef!,
        imageDigest: build.imageDigest!,
        configSnapshot: JSON.stringify(snapshot),
        cpuMillicores: app.cpuMillicores,
        memoryMib: app.memoryMib,
        status: "LIVE",
        liveAt: new Date(),
      },
    });
    await this.db.app.update({ where: { id: appId }, data: { targetReleaseId: release.id, liveReleaseId: release.id } });
    return release;
  }

  /**
   * A webhook delivery as the intake records a GitHub push to the app's branch (ignored: the
   * fixture app has deploy-on-push off), with the raw body and headers a redelivery replays.
   */
  async delivery(teamId: string, appId: string) {
    const commitSha = randomBytes(20).toString("hex");
    const deliveryId = randomUUID();
    const payload = JSON.stringify({
      ref: "refs/heads/main",
      before: "0".repeat(40),
      after: commitSha,
      repository: { full_name: "fixture/app" },
      head_commit: { id: commitSha, message: "Fixture commit", author: { name: "Ada", email: "ada@example.test" } },
    });
    return this.db.webhookDelivery.create({
      data: {
        teamId,
        appId,
        provider: "github",
        deliveryId,
        event: "push",
        ref: "refs/heads/main",
        branch: "main",
        commitSha,
        commitMessage: "Fixture commit",
        commitAuthor: "Ada",
        outcome: "ignored",
        reason: "deploy on push is off",
        statusCode: 200,
        payload,
        headers: JSON.stringify({ "content-type": "application/json", "x-github-event": "push", "x-github-delivery": deliveryId }),
      },
    });
  }

  async cluster() {
    const name = this.slug("cluster");
    return this.db.cluster.create({
      data: { name, server: "https://127.0.0.1:9", kubeconfigEncrypted: seal(unreachableKubeconfig(name)), reachable: false, lastError: "fixture: never reachable" },
    });
  }

  /** A pending invitation and the one-time token of its link. */
  async invitation(options: { teamId: string; email?: string; role?: RoleName; invitedById?: string }) {
    const token = randomBytes(32).toString("base64url");
    const row = await this.db.invitation.create({
      data: {
        teamId: options.teamId,
        email: options.email ?? `${this.slug("invitee")}@example.test`,
        role: options.role ?? "VIEWER",
        tokenHash: createHash("sha256").update(token).digest("hex"),
        invitedById: options.invitedById ?? null,
        expiresAt: new Date(Date.now() + 7 * 24 * 3600_000),
      },
    });
    return { row, token };
  }
}
