-- CreateTable
CREATE TABLE "AppEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "releaseId" TEXT,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AppEvent_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AppEvent_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Domain" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "verificationToken" TEXT NOT NULL,
    "verifiedAt" DATETIME,
    "verifiedHostname" TEXT,
    "lastCheckAt" DATETIME,
    "lastCheckError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Domain_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Domain_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_App" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "gitUrl" TEXT NOT NULL,
    "gitBranch" TEXT NOT NULL DEFAULT 'main',
    "dockerfilePath" TEXT NOT NULL DEFAULT 'Dockerfile',
    "containerPort" INTEGER NOT NULL DEFAULT 8080,
    "healthCheckPath" TEXT NOT NULL DEFAULT '/',
    "envEncrypted" TEXT NOT NULL DEFAULT '',
    "cpuMillicores" INTEGER NOT NULL DEFAULT 250,
    "memoryMib" INTEGER NOT NULL DEFAULT 256,
    "replicas" INTEGER NOT NULL DEFAULT 1,
    "runtimeTarget" TEXT NOT NULL DEFAULT 'embedded',
    "targetReleaseId" TEXT,
    "liveReleaseId" TEXT,
    "deployOnPush" BOOLEAN NOT NULL DEFAULT false,
    "pushBranchFilter" TEXT NOT NULL DEFAULT '',
    "webhookSecretEncrypted" TEXT NOT NULL DEFAULT '',
    "previousWebhookSecretEncrypted" TEXT NOT NULL DEFAULT '',
    "previousWebhookSecretExpiresAt" DATETIME,
    "webhookRejectedCount" INTEGER NOT NULL DEFAULT 0,
    "webhookLastRejectedAt" DATETIME,
    "webhookLastRejectReason" TEXT NOT NULL DEFAULT '',
    "stopped" BOOLEAN NOT NULL DEFAULT false,
    "restartGeneration" INTEGER NOT NULL DEFAULT 0,
    "autoRollback" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "App_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "App_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_App" ("containerPort", "cpuMillicores", "createdAt", "deployOnPush", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "previousWebhookSecretEncrypted", "previousWebhookSecretExpiresAt", "projectId", "pushBranchFilter", "replicas", "runtimeTarget", "slug", "targetReleaseId", "teamId", "updatedAt", "webhookLastRejectReason", "webhookLastRejectedAt", "webhookRejectedCount", "webhookSecretEncrypted") SELECT "containerPort", "cpuMillicores", "createdAt", "deployOnPush", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "previousWebhookSecretEncrypted", "previousWebhookSecretExpiresAt", "projectId", "pushBranchFilter", "replicas", "runtimeTarget", "slug", "targetReleaseId", "teamId", "updatedAt", "webhookLastRejectReason", "webhookLastRejectedAt", "webhookRejectedCount", "webhookSecretEncrypted" FROM "App";
DROP TABLE "App";
ALTER TABLE "new_App" RENAME TO "App";
CREATE INDEX "App_teamId_idx" ON "App"("teamId");
CREATE UNIQUE INDEX "App_projectId_slug_key" ON "App"("projectId", "slug");
CREATE TABLE "new_Release" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "buildId" TEXT,
    "imageRef" TEXT NOT NULL,
    "imageDigest" TEXT NOT NULL,
    "configSnapshot" TEXT NOT NULL,
    "cpuMillicores" INTEGER NOT NULL DEFAULT 0,
    "memoryMib" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "statusReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "liveAt" DATETIME,
    "rolloutStartedAt" DATETIME,
    "restartCount" INTEGER NOT NULL DEFAULT 0,
    "lastExitCode" INTEGER,
    "lastExitAt" DATETIME,
    "lastExitOomKilled" BOOLEAN NOT NULL DEFAULT false,
    "lastLogLines" TEXT,
    "crashingSince" DATETIME,
    "liveRestartCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Release_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Release" ("appId", "buildId", "configSnapshot", "cpuMillicores", "createdAt", "id", "imageDigest", "imageRef", "lastExitAt", "lastExitCode", "lastExitOomKilled", "lastLogLines", "liveAt", "memoryMib", "restartCount", "rolloutStartedAt", "status", "statusReason", "teamId", "version") SELECT "appId", "buildId", "configSnapshot", "cpuMillicores", "createdAt", "id", "imageDigest", "imageRef", "lastExitAt", "lastExitCode", "lastExitOomKilled", "lastLogLines", "liveAt", "memoryMib", "restartCount", "rolloutStartedAt", "status", "statusReason", "teamId", "version" FROM "Release";
DROP TABLE "Release";
ALTER TABLE "new_Release" RENAME TO "Release";
CREATE UNIQUE INDEX "Release_buildId_key" ON "Release"("buildId");
CREATE INDEX "Release_teamId_idx" ON "Release"("teamId");
CREATE UNIQUE INDEX "Release_appId_version_key" ON "Release"("appId", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AppEvent_appId_createdAt_idx" ON "AppEvent"("appId", "createdAt");

-- CreateIndex
CREATE INDEX "AppEvent_teamId_idx" ON "AppEvent"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Domain_verifiedHostname_key" ON "Domain"("verifiedHostname");

-- CreateIndex
CREATE INDEX "Domain_teamId_idx" ON "Domain"("teamId");

-- CreateIndex
CREATE INDEX "Domain_hostname_idx" ON "Domain"("hostname");

-- CreateIndex
CREATE UNIQUE INDEX "Domain_appId_hostname_key" ON "Domain"("appId", "hostname");

