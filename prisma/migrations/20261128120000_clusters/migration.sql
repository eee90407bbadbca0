-- CreateTable
CREATE TABLE "Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "lastCheckedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");

