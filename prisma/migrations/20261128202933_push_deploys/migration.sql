-- AlterTable
ALTER TABLE "Build" ADD COLUMN "canceledById" TEXT;
ALTER TABLE "Build" ADD COLUMN "commitAuthor" TEXT;
ALTER TABLE "Build" ADD COLUMN "commitMessage" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TeamQuota" (
    "teamId" TEXT NOT NULL PRIMARY KEY,
    "cpuMillicores" INTEGER NOT NULL DEFAULT 4000,
    "memoryMib" INTEGER NOT NULL DEFAULT 4096,
    "storageGib" INTEGER NOT NULL DEFAULT 20,
    "maxApps" INTEGER NOT NULL DEFAULT 20,
    "maxConcurrentBuilds" INTEGER NOT NULL DEFAULT 2,
    "buildTimeoutSeconds" INTEGER NOT NULL DEFAULT 1800,
    "revision" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "TeamQuota_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TeamQuota" ("cpuMillicores", "maxApps", "maxConcurrentBuilds", "memoryMib", "revision", "storageGib", "teamId") SELECT "cpuMillicores", "maxApps", "maxConcurrentBuilds", "memoryMib", "revision", "storageGib", "teamId" FROM "TeamQuota";
DROP TABLE "TeamQuota";
ALTER TABLE "new_TeamQuota" RENAME TO "TeamQuota";
CREATE TABLE "new_PlatformSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'platform',
    "allowLocalGitSources" BOOLEAN NOT NULL DEFAULT false,
    "allowPrivateGitHosts" BOOLEAN NOT NULL DEFAULT false,
    "signupPolicy" TEXT NOT NULL DEFAULT 'open',
    "allowedSignupDomains" TEXT NOT NULL DEFAULT '',
    "defaultCpuMillicores" INTEGER NOT NULL DEFAULT 4000,
    "defaultMemoryMib" INTEGER NOT NULL DEFAULT 4096,
    "defaultStorageGib" INTEGER NOT NULL DEFAULT 20,
    "defaultMaxApps" INTEGER NOT NULL DEFAULT 20,
    "defaultMaxConcurrentBuilds" INTEGER NOT NULL DEFAULT 2,
    "defaultBuildTimeoutSeconds" INTEGER NOT NULL DEFAULT 1800,
    "setupTokenHash" TEXT,
    "setupTokenExpiresAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_PlatformSettings" ("allowLocalGitSources", "allowPrivateGitHosts", "allowedSignupDomains", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt") SELECT "allowLocalGitSources", "allowPrivateGitHosts", "allowedSignupDomains", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt" FROM "PlatformSettings";
DROP TABLE "PlatformSettings";
ALTER TABLE "new_PlatformSettings" RENAME TO "PlatformSettings";
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "App_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "App_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_App" ("containerPort", "cpuMillicores", "createdAt", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "projectId", "replicas", "runtimeTarget", "slug", "targetReleaseId", "teamId", "updatedAt") SELECT "containerPort", "cpuMillicores", "createdAt", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "projectId", "replicas", "runtimeTarget", "slug", "targetReleaseId", "teamId", "updatedAt" FROM "App";
DROP TABLE "App";
ALTER TABLE "new_App" RENAME TO "App";
CREATE INDEX "App_teamId_idx" ON "App"("teamId");
CREATE UNIQUE INDEX "App_projectId_slug_key" ON "App"("projectId", "slug");
CREATE TABLE "new_WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "ref" TEXT NOT NULL DEFAULT '',
    "branch" TEXT NOT NULL DEFAULT '',
    "commitSha" TEXT NOT NULL DEFAULT '',
    "commitMessage" TEXT NOT NULL DEFAULT '',
    "commitAuthor" TEXT NOT NULL DEFAULT '',
    "outcome" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "statusCode" INTEGER NOT NULL,
    "payload" TEXT NOT NULL,
    "headers" TEXT NOT NULL,
    "redeliveryOfId" TEXT,
    "redeliveredById" TEXT,
    "buildId" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookDelivery_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WebhookDelivery_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WebhookDelivery_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_WebhookDelivery" ("appId", "buildId", "deliveryId", "event", "id", "outcome", "provider", "receivedAt", "teamId") SELECT "appId", "buildId", "deliveryId", "event", "id", "outcome", "provider", "receivedAt", "teamId" FROM "WebhookDelivery";
DROP TABLE "WebhookDelivery";
ALTER TABLE "new_WebhookDelivery" RENAME TO "WebhookDelivery";
CREATE INDEX "WebhookDelivery_appId_receivedAt_idx" ON "WebhookDelivery"("appId", "receivedAt");
CREATE INDEX "WebhookDelivery_teamId_idx" ON "WebhookDelivery"("teamId");
CREATE UNIQUE INDEX "WebhookDelivery_appId_deliveryId_key" ON "WebhookDelivery"("appId", "deliveryId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

