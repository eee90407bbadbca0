-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kubeconfigEncrypted" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "imageRegistry" TEXT NOT NULL DEFAULT '',
    "ingressClassName" TEXT NOT NULL DEFAULT '',
    "ingressNamespace" TEXT NOT NULL DEFAULT 'ingress-nginx',
    "ingressDomain" TEXT NOT NULL DEFAULT '',
    "appNodeSelector" TEXT NOT NULL DEFAULT '',
    "reachable" BOOLEAN NOT NULL DEFAULT false,
    "version" TEXT,
    "lastError" TEXT,
    "lastCheckedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Cluster" ("createdAt", "id", "imageRegistry", "ingressClassName", "ingressDomain", "ingressNamespace", "kubeconfigEncrypted", "lastCheckedAt", "lastError", "name", "reachable", "server", "updatedAt", "version") SELECT "createdAt", "id", "imageRegistry", "ingressClassName", "ingressDomain", "ingressNamespace", "kubeconfigEncrypted", "lastCheckedAt", "lastError", "name", "reachable", "server", "updatedAt", "version" FROM "Cluster";
DROP TABLE "Cluster";
ALTER TABLE "new_Cluster" RENAME TO "Cluster";
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

