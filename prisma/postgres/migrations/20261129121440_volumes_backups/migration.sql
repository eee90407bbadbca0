-- AlterTable
ALTER TABLE "PlatformSettings" ADD COLUMN     "allowPrivateBackupEndpoints" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Volume" ADD COLUMN     "backupConsistent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "backupRetention" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "backupSchedule" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "backupTargetId" TEXT,
ADD COLUMN     "deleteRequestedAt" TIMESTAMP(3),
ADD COLUMN     "lastScheduledBackupAt" TIMESTAMP(3),
ADD COLUMN     "measuredAt" TIMESTAMP(3),
ADD COLUMN     "provisionedGib" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "state" TEXT NOT NULL DEFAULT 'pending',
ADD COLUMN     "stateReason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "usedBytes" DOUBLE PRECISION,
ALTER COLUMN "mountPath" SET DEFAULT '';

-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "storageClassName" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "VolumeBackup" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "volumeId" TEXT,
    "volumeName" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "consistent" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "targetId" TEXT,
    "objectKey" TEXT NOT NULL DEFAULT '',
    "bytesDone" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dataBytes" DOUBLE PRECISION,
    "sizeBytes" DOUBLE PRECISION,
    "sha256" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "createdById" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "VolumeBackup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VolumeRestore" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "backupId" TEXT NOT NULL,
    "volumeId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "bytesDone" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "totalBytes" DOUBLE PRECISION,
    "error" TEXT,
    "createdById" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "VolumeRestore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackupTarget" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "bucket" TEXT NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "accessKeyId" TEXT NOT NULL,
    "secretAccessKeyEncrypted" TEXT NOT NULL,
    "forcePathStyle" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackupTarget_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Volume_teamId_idx" ON "Volume"("teamId");

-- AddForeignKey
ALTER TABLE "Volume" ADD CONSTRAINT "Volume_backupTargetId_fkey" FOREIGN KEY ("backupTargetId") REFERENCES "BackupTarget"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeBackup" ADD CONSTRAINT "VolumeBackup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeBackup" ADD CONSTRAINT "VolumeBackup_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeBackup" ADD CONSTRAINT "VolumeBackup_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "BackupTarget"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeRestore" ADD CONSTRAINT "VolumeRestore_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeRestore" ADD CONSTRAINT "VolumeRestore_backupId_fkey" FOREIGN KEY ("backupId") REFERENCES "VolumeBackup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolumeRestore" ADD CONSTRAINT "VolumeRestore_volumeId_fkey" FOREIGN KEY ("volumeId") REFERENCES "Volume"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackupTarget" ADD CONSTRAINT "BackupTarget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

