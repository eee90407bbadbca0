-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "imageUser" TEXT,
ADD COLUMN     "runAsGid" INTEGER,
ADD COLUMN     "runAsUid" INTEGER;

