"use client";

import Link from "next/link";
import { ErrorText } from "@/components/ui/error-text";
import { useApp } from "@/components/apps/queries";
import { DeliveryList } from "./delivery-list";

/** The deliveries page: which app, where its webhook settings are, and the deliveries themselves. */
export function DeliveriesView({ appId, canRedeliver }: { appId: string; canRedeliver: boolean }) {
  const app = useApp(appId);
  if (app.error) return <ErrorText error={app.error} />;
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/apps/${appId}`} className="text-sm text-slate-500 hover:underline">← {app.data?.slug ?? "app"}</Link>
        <h1 className="text-2xl font-semibold">Webhook deliveries</h1>
        <p className="text-sm text-slate-500">
          Every push, ping and refusal your git provider sent to this app&apos;s webhook, newest first: what Slipway made of it and what it answered.
          Requests with a bad or missing signature are not stored, only counted on the app page.
          {canRedeliver ? " Redeliver sends a stored payload through again, as if your provider had just sent it." : ""}
        </p>
      </div>
      <DeliveryList appId={appId} canRedeliver={canRedeliver} />
    </div>
  );
}
