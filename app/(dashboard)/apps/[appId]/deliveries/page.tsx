import { appKeys } from "@/components/apps/queries";
import { Prefetch } from "@/components/providers/prefetch";
import { DeliveriesView } from "@/components/webhooks/deliveries-view";
import { getApp } from "@/server/apps/get-app";
import { requirePageActor } from "@/server/auth/page-actor";
import { can } from "@/server/auth/permissions";

export default async function DeliveriesPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  const actor = await requirePageActor();
  return (
    <Prefetch queries={[{ queryKey: appKeys.one(appId), queryFn: () => getApp({ actor, appId }) }]}>
      <DeliveriesView appId={appId} canRedeliver={can(actor, "app:deploy")} />
    </Prefetch>
  );
}
