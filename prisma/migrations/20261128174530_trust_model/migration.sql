-- AlterTable
ALTER TABLE "Project" ADD COLUMN "quotaCpuMillicores" INTEGER;
ALTER TABLE "Project" ADD COLUMN "quotaMaxApps" INTEGER;
ALTER TABLE "Project" ADD COLUMN "quotaMemoryMib" INTEGER;
ALTER TABLE "Project" ADD COLUMN "quotaStorageGib" INTEGER;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "acceptedAt" DATETIME,
    "acceptedById" TEXT,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Invitation_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStartsAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

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
    "revision" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "TeamQuota_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TeamQuota" ("cpuMillicores", "maxApps", "maxConcurrentBuilds", "memoryMib", "storageGib", "teamId") SELECT "cpuMillicores", "maxApps", "maxConcurrentBuilds", "memoryMib", "storageGib", "teamId" FROM "TeamQuota";
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
    "setupTokenHash" TEXT,
    "setupTokenExpiresAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_PlatformSettings" ("allowLocalGitSources", "allowPrivateGitHosts", "id", "updatedAt") SELECT "allowLocalGitSources", "allowPrivateGitHosts", "id", "updatedAt" FROM "PlatformSettings";
DROP TABLE "PlatformSettings";
ALTER TABLE "new_PlatformSettings" RENAME TO "PlatformSettings";
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
    CONSTRAINT "Release_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Release" ("appId", "buildId", "configSnapshot", "createdAt", "id", "imageDigest", "imageRef", "liveAt", "status", "statusReason", "teamId", "version") SELECT "appId", "buildId", "configSnapshot", "createdAt", "id", "imageDigest", "imageRef", "liveAt", "status", "statusReason", "teamId", "version" FROM "Release";
DROP TABLE "Release";
ALTER TABLE "new_Release" RENAME TO "Release";
CREATE UNIQUE INDEX "Release_buildId_key" ON "Release"("buildId");
CREATE INDEX "Release_teamId_idx" ON "Release"("teamId");
CREATE UNIQUE INDEX "Release_appId_version_key" ON "Release"("appId", "version");
CREATE TABLE "new_AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT,
    "actorId" TEXT,
    "actorType" TEXT NOT NULL DEFAULT 'session',
    "actorLabel" TEXT NOT NULL DEFAULT '',
    "tokenId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEvent_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AuditEvent" ("action", "actorId", "createdAt", "data", "id", "targetId", "targetType", "teamId") SELECT "action", "actorId", "createdAt", "data", "id", "targetId", "targetType", "teamId" FROM "AuditEvent";
DROP TABLE "AuditEvent";
ALTER TABLE "new_AuditEvent" RENAME TO "AuditEvent";
CREATE INDEX "AuditEvent_teamId_createdAt_idx" ON "AuditEvent"("teamId", "createdAt");
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_teamId_createdAt_idx" ON "Invitation"("teamId", "createdAt");

-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_teamId_idx" ON "ApiToken"("teamId");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");


-- Backfill: a release's per-replica size from its config snapshot (quota usage reads the columns).
UPDATE "Release" SET
  "cpuMillicores" = COALESCE(CAST(json_extract("configSnapshot", '$.cpuMillicores') AS INTEGER), 0),
  "memoryMib" = COALESCE(CAST(json_extract("configSnapshot", '$.memoryMib') AS INTEGER), 0);
