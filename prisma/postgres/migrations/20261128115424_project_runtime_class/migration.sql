-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "runtimeClass" TEXT NOT NULL DEFAULT '';

