-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Team" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "logRetentionDays" INTEGER NOT NULL DEFAULT 7,
    "logRetentionMib" INTEGER NOT NULL DEFAULT 1024
);
INSERT INTO "new_Team" ("createdAt", "id", "name", "slug") SELECT "createdAt", "id", "name", "slug" FROM "Team";
DROP TABLE "Team";
ALTER TABLE "new_Team" RENAME TO "Team";
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");
CREATE TABLE "new_PlatformSettings" (
    "id" TEXT NOT NULL PRIMARY KEY DEFAULT 'platform',
    "allowLocalGitSources" BOOLEAN NOT NULL DEFAULT false,
    "allowPrivateGitHosts" BOOLEAN NOT NULL DEFAULT false,
    "allowPrivateBackupEndpoints" BOOLEAN NOT NULL DEFAULT false,
    "maxLogRetentionDays" INTEGER NOT NULL DEFAULT 30,
    "maxLogRetentionMib" INTEGER NOT NULL DEFAULT 10240,
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
INSERT INTO "new_PlatformSettings" ("allowLocalGitSources", "allowPrivateBackupEndpoints", "allowPrivateGitHosts", "allowedSignupDomains", "defaultBuildTimeoutSeconds", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt") SELECT "allowLocalGitSources", "allowPrivateBackupEndpoints", "allowPrivateGitHosts", "allowedSignupDomains", "defaultBuildTimeoutSeconds", "defaultCpuMillicores", "defaultMaxApps", "defaultMaxConcurrentBuilds", "defaultMemoryMib", "defaultStorageGib", "id", "setupTokenExpiresAt", "setupTokenHash", "signupPolicy", "updatedAt" FROM "PlatformSettings";
DROP TABLE "PlatformSettings";
ALTER TABLE "new_PlatformSettings" RENAME TO "PlatformSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

