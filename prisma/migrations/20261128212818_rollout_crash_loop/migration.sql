-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    CONSTRAINT "Release_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Release_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Release" ("appId", "buildId", "configSnapshot", "cpuMillicores", "createdAt", "id", "imageDigest", "imageRef", "liveAt", "memoryMib", "status", "statusReason", "teamId", "version") SELECT "appId", "buildId", "configSnapshot", "cpuMillicores", "createdAt", "id", "imageDigest", "imageRef", "liveAt", "memoryMib", "status", "statusReason", "teamId", "version" FROM "Release";
DROP TABLE "Release";
ALTER TABLE "new_Release" RENAME TO "Release";
CREATE UNIQUE INDEX "Release_buildId_key" ON "Release"("buildId");
CREATE INDEX "Release_teamId_idx" ON "Release"("teamId");
CREATE UNIQUE INDEX "Release_appId_version_key" ON "Release"("appId", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

