-- AlterTable
ALTER TABLE "TeamQuota" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "PlatformSettings" ADD COLUMN     "allowedSignupDomains" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "defaultCpuMillicores" INTEGER NOT NULL DEFAULT 4000,
ADD COLUMN     "defaultMaxApps" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "defaultMaxConcurrentBuilds" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "defaultMemoryMib" INTEGER NOT NULL DEFAULT 4096,
ADD COLUMN     "defaultStorageGib" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "setupTokenExpiresAt" TIMESTAMP(3),
ADD COLUMN     "setupTokenHash" TEXT,
ADD COLUMN     "signupPolicy" TEXT NOT NULL DEFAULT 'open';

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "quotaCpuMillicores" INTEGER,
ADD COLUMN     "quotaMaxApps" INTEGER,
ADD COLUMN     "quotaMemoryMib" INTEGER,
ADD COLUMN     "quotaStorageGib" INTEGER;

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "cpuMillicores" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "memoryMib" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "actorLabel" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "actorType" TEXT NOT NULL DEFAULT 'session',
ADD COLUMN     "tokenId" TEXT,
ALTER COLUMN "teamId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "acceptedById" TEXT,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStartsAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthThrottle_pkey" PRIMARY KEY ("key")
);

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

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: a release's per-replica size from its config snapshot (quota usage reads the columns).
UPDATE "Release" SET
  "cpuMillicores" = COALESCE(("configSnapshot"::json->>'cpuMillicores')::integer, 0),
  "memoryMib" = COALESCE(("configSnapshot"::json->>'memoryMib')::integer, 0);
