-- CreateTable
CREATE TABLE "Cluster" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kubeconfigEncrypted" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "imageRegistry" TEXT NOT NULL DEFAULT '',
    "ingressClassName" TEXT NOT NULL DEFAULT '',
    "ingressNamespace" TEXT NOT NULL DEFAULT 'ingress-nginx',
    "ingressDomain" TEXT NOT NULL DEFAULT '',
    "reachable" BOOLEAN NOT NULL DEFAULT false,
    "version" TEXT,
    "lastError" TEXT,
    "lastCheckedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cluster_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");

