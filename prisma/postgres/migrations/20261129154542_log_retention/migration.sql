-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "logRetentionDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "logRetentionMib" INTEGER NOT NULL DEFAULT 1024;

-- AlterTable
ALTER TABLE "PlatformSettings" ADD COLUMN     "maxLogRetentionDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "maxLogRetentionMib" INTEGER NOT NULL DEFAULT 10240;

