-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "lastExitAt" TIMESTAMP(3),
ADD COLUMN     "lastExitCode" INTEGER,
ADD COLUMN     "lastExitOomKilled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "lastLogLines" TEXT,
ADD COLUMN     "restartCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rolloutStartedAt" TIMESTAMP(3);

