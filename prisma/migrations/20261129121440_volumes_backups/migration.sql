-- CreateTable
CREATE TABLE "VolumeBackup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "volumeId" TEXT,
    "volumeName" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "consistent" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "targetId" TEXT,
    "objectKey" TEXT NOT NULL DEFAULT '',
    "bytesDone" REAL NOT NULL DEFAULT 0,
    "dataBytes" REAL,
    "sizeBytes" REAL,
    "sha256" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "createdById" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "VolumeBackup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "VolumeBackup_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "VolumeBackup_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "BackupTarget" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VolumeRestore" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "backupId" TEXT NOT NULL,
    "volumeId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "bytesDone" REAL NOT NULL DEFAULT 0,
    "totalBytes" REAL,
    "error" TEXT,
    "createdById" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "VolumeRestore_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "VolumeRestore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "VolumeBackup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "VolumeRestore_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BackupTarget" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "bucket" TEXT NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "accessKeyId" TEXT NOT NULL,
    "secretAccessKeyEncrypted" TEXT NOT NULL,
    "forcePathStyle" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "BackupTarget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PlatformSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'platform',
    "allowLocalGitSources" BOOLEAN NOT NULL DEFAULT false,
    "allowPrivateGitHosts" BOOLEAN NOT NULL DEFAULT false,
    "allowPrivateBackupEndpoints" BOOLEAN NOT NULL DEFAULT false,
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
INSERT INTO "new_PlatformSettings" ("allowLocalGitSources", "allowPrivateGitHosts", "allowedSignupDomains", "defaultBuildTimeoutSeconds", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt") SELECT "allowLocalGitSources", "allowPrivateGitHosts", "allowedSignupDomains", "defaultBuildTimeoutSeconds", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt" FROM "PlatformSettings";
DROP TABLE "PlatformSettings";
ALTER TABLE "new_PlatformSettings" RENAME TO "PlatformSettings";
CREATE TABLE "new_Volume" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "appId" TEXT,
    "name" TEXT NOT NULL,
    "sizeGib" INTEGER NOT NULL,
    "mountPath" TEXT NOT NULL DEFAULT '',
    "provisionedGib" INTEGER NOT NULL DEFAULT 0,
    "usedBytes" REAL,
    "measuredAt" DATETIME,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "stateReason" TEXT NOT NULL DEFAULT '',
    "deleteRequestedAt" DATETIME,
    "backupSchedule" TEXT NOT NULL DEFAULT '',
    "backupRetention" INTEGER NOT NULL DEFAULT 7,
    "backupConsistent" BOOLEAN NOT NULL DEFAULT false,
    "backupTargetId" TEXT,
    "lastScheduledBackupAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Volume_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Volume_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Volume_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Volume_backupTargetId_fkey" FOREIGN KEY ("backupTargetId") REFERENCES "BackupTarget" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Volume" ("appId", "createdAt", "id", "mountPath", "name", "projectId", "sizeGib", "teamId") SELECT "appId", "createdAt", "id", "mountPath", "name", "projectId", "sizeGib", "teamId" FROM "Volume";
DROP TABLE "Volume";
ALTER TABLE "new_Volume" RENAME TO "Volume";
CREATE INDEX "Volume_teamId_idx" ON "Volume"("teamId");
CREATE UNIQUE INDEX "Volume_projectId_name_key" ON "Volume"("projectId", "name");
CREATE TABLE "new_Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kubeconfigEncrypted" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "imageRegistry" TEXT NOT NULL DEFAULT '',
    "ingressClassName" TEXT NOT NULL DEFAULT '',
    "ingressNamespace" TEXT NOT NULL DEFAULT 'ingress-nginx',
    "ingressDomain" TEXT NOT NULL DEFAULT '',
    "appNodeSelector" TEXT NOT NULL DEFAULT '',
    "storageClassName" TEXT NOT NULL DEFAULT '',
    "reachable" BOOLEAN NOT NULL DEFAULT false,
    "version" TEXT,
    "lastError" TEXT,
    "lastCheckedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Cluster" ("appNodeSelector", "createdAt", "id", "imageRegistry", "ingressClassName", "ingressDomain", "ingressNamespace", "kubeconfigEncrypted", "lastCheckedAt", "lastError", "name", "reachable", "server", "updatedAt", "version") SELECT "appNodeSelector", "createdAt", "id", "imageRegistry", "ingressClassName", "ingressDomain", "ingressNamespace", "kubeconfigEncrypted", "lastCheckedAt", "lastError", "name", "reachable", "server", "updatedAt", "version" FROM "Cluster";
DROP TABLE "Cluster";
ALTER TABLE "new_Cluster" RENAME TO "Cluster";
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "VolumeBackup_volumeId_createdAt_idx" ON "VolumeBackup"("volumeId", "createdAt");

-- CreateIndex
CREATE INDEX "VolumeBackup_teamId_createdAt_idx" ON "VolumeBackup"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "VolumeBackup_status_idx" ON "VolumeBackup"("status");

-- CreateIndex
CREATE INDEX "VolumeRestore_volumeId_status_idx" ON "VolumeRestore"("volumeId", "status");

-- CreateIndex
CREATE INDEX "VolumeRestore_status_idx" ON "VolumeRestore"("status");

-- CreateIndex
CREATE UNIQUE INDEX "BackupTarget_teamId_name_key" ON "BackupTarget"("teamId", "name");

