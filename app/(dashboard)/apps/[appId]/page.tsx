import { AppDetail } from "@/components/apps/app-detail";
import { appKeys } from "@/components/apps/queries";
import { Prefetch } from "@/components/providers/prefetch";
import { getApp } from "@/server/apps/get-app";
import { listBuilds } from "@/server/builds/list-builds";
import { listReleases } from "@/server/releases/list-releases";
import { requirePageActor } from "@/server/auth/page-actor";
import { webhookKeys } from "@/components/webhooks/queries";
import { getWebhookSettings } from "@/server/webhooks/get-webhook-settings";

export default async function AppPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  const actor = await requirePageActor();
  return (
    <Prefetch
      queries={[
        { queryKey: appKeys.one(appId), queryFn: () => getApp({ actor, appId }) },
        { queryKey: appKeys.builds(appId), queryFn: () => listBuilds({ actor, appId }) },
        { queryKey: appKeys.releases(appId), queryFn: () => listReleases({ actor, appId }) },
        { queryKey: webhookKeys.settings(appId), queryFn: () => getWebhookSettings({ actor, appId }) },
      ]}
    >
      <AppDetail appId={appId} />
    </Prefetch>
  );
}
