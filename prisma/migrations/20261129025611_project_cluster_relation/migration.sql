-- Projects run on a cluster by relation (Project.clusterId) instead of a "cluster:<name>" string;
-- apps run where their project does (App.runtimeTarget was a copy of it).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clusterId" TEXT,
    "runtimeClass" TEXT NOT NULL DEFAULT '',
    "quotaCpuMillicores" INTEGER,
    "quotaMemoryMib" INTEGER,
    "quotaStorageGib" INTEGER,
    "quotaMaxApps" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Project_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Project_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- The runtime target was a "cluster:<name>" string: it becomes the cluster's id.
INSERT INTO "new_Project" ("clusterId", "createdAt", "id", "name", "quotaCpuMillicores", "quotaMaxApps", "quotaMemoryMib", "quotaStorageGib", "runtimeClass", "slug", "teamId") SELECT (SELECT "Cluster"."id" FROM "Cluster" WHERE 'cluster:' || "Cluster"."name" = "Project"."runtimeTarget"), "createdAt", "id", "name", "quotaCpuMillicores", "quotaMaxApps", "quotaMemoryMib", "quotaStorageGib", "runtimeClass", "slug", "teamId" FROM "Project";
DROP TABLE "Project";
ALTER TABLE "new_Project" RENAME TO "Project";
CREATE UNIQUE INDEX "Project_teamId_slug_key" ON "Project"("teamId", "slug");
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
INSERT INTO "new_App" ("autoRollback", "containerPort", "cpuMillicores", "createdAt", "deployOnPush", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "previousWebhookSecretEncrypted", "previousWebhookSecretExpiresAt", "projectId", "pushBranchFilter", "replicas", "restartGeneration", "slug", "stopped", "targetReleaseId", "teamId", "updatedAt", "webhookLastRejectReason", "webhookLastRejectedAt", "webhookRejectedCount", "webhookSecretEncrypted") SELECT "autoRollback", "containerPort", "cpuMillicores", "createdAt", "deployOnPush", "dockerfilePath", "envEncrypted", "gitBranch", "gitUrl", "healthCheckPath", "id", "liveReleaseId", "memoryMib", "previousWebhookSecretEncrypted", "previousWebhookSecretExpiresAt", "projectId", "pushBranchFilter", "replicas", "restartGeneration", "slug", "stopped", "targetReleaseId", "teamId", "updatedAt", "webhookLastRejectReason", "webhookLastRejectedAt", "webhookRejectedCount", "webhookSecretEncrypted" FROM "App";
DROP TABLE "App";
ALTER TABLE "new_App" RENAME TO "App";
CREATE INDEX "App_teamId_idx" ON "App"("teamId");
CREATE UNIQUE INDEX "App_projectId_slug_key" ON "App"("projectId", "slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

