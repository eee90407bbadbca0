-- Projects run on a cluster by relation (Project.clusterId) instead of a "cluster:<name>" string;
-- apps run where their project does (App.runtimeTarget was a copy of it).
ALTER TABLE "Project" ADD COLUMN "clusterId" TEXT;

-- The runtime target was a "cluster:<name>" string: it becomes the cluster's id.
UPDATE "Project" SET "clusterId" = "Cluster"."id" FROM "Cluster" WHERE 'cluster:' || "Cluster"."name" = "Project"."runtimeTarget";

ALTER TABLE "Project" DROP COLUMN "runtimeTarget";

-- AlterTable
ALTER TABLE "App" DROP COLUMN "runtimeTarget";

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
