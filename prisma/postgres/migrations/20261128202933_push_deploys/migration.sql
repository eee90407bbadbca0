-- DropIndex
DROP INDEX "WebhookDelivery_provider_deliveryId_key";

-- AlterTable
ALTER TABLE "TeamQuota" ADD COLUMN     "buildTimeoutSeconds" INTEGER NOT NULL DEFAULT 1800;

-- AlterTable
ALTER TABLE "PlatformSettings" ADD COLUMN     "defaultBuildTimeoutSeconds" INTEGER NOT NULL DEFAULT 1800;

-- AlterTable
ALTER TABLE "App" ADD COLUMN     "deployOnPush" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "previousWebhookSecretEncrypted" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "previousWebhookSecretExpiresAt" TIMESTAMP(3),
ADD COLUMN     "pushBranchFilter" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "webhookLastRejectReason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "webhookLastRejectedAt" TIMESTAMP(3),
ADD COLUMN     "webhookRejectedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "webhookSecretEncrypted" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Build" ADD COLUMN     "canceledById" TEXT,
ADD COLUMN     "commitAuthor" TEXT,
ADD COLUMN     "commitMessage" TEXT;

-- AlterTable
ALTER TABLE "WebhookDelivery" DROP COLUMN "signatureValid",
ADD COLUMN     "branch" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "commitAuthor" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "commitMessage" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "commitSha" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "headers" TEXT NOT NULL,
ADD COLUMN     "payload" TEXT NOT NULL,
ADD COLUMN     "reason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "redeliveredById" TEXT,
ADD COLUMN     "redeliveryOfId" TEXT,
ADD COLUMN     "ref" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "statusCode" INTEGER NOT NULL,
ALTER COLUMN "teamId" SET NOT NULL,
ALTER COLUMN "appId" SET NOT NULL;

-- CreateIndex
CREATE INDEX "WebhookDelivery_appId_receivedAt_idx" ON "WebhookDelivery"("appId", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_teamId_idx" ON "WebhookDelivery"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_appId_deliveryId_key" ON "WebhookDelivery"("appId", "deliveryId");

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_buildId_fkey" FOREIGN KEY ("buildId") REFERENCES "Build"("id") ON DELETE SET NULL ON UPDATE CASCADE;

