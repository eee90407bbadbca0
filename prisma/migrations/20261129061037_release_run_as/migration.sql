-- AlterTable
ALTER TABLE "Release" ADD COLUMN "imageUser" TEXT;
ALTER TABLE "Release" ADD COLUMN "runAsGid" INTEGER;
ALTER TABLE "Release" ADD COLUMN "runAsUid" INTEGER;

