-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN     "appNodeSelector" TEXT NOT NULL DEFAULT '';

