"use client";

import { Fragment, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import type { WebhookDeliveryDto } from "@/server/webhooks/schemas";
import { deliveryResultText, webhookProviderLabel } from "@/server/webhooks/constants";
import { useDeliveries, useDelivery, useRedeliver, type RedeliveryResult } from "./queries";

const outcomeTone = { queued: "success", coalesced: "running", ignored: "neutral", refused: "failure" } as const;

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

function statusTone(code: number): "success" | "warning" | "failure" {
  if (code >= 500) return "failure";
  if (code >= 400) return "warning";
  return "success";
}

function DeliveryDetail({ appId, id }: { appId: string; id: string }) {
  const detail = useDelivery(appId, id);
  if (detail.error) return <ErrorText error={detail.error} />;
  if (!detail.data) return <p className="text-xs text-slate-500">Loading payload…</p>;
  const d = detail.data;
  const headers = Object.entries(d.headers);
  return (
    <div className="grid gap-3 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]" data-testid="delivery-detail">
      <div>
        <p className="mb-1 text-xs font-medium text-slate-600">Headers</p>
        {headers.length === 0 ? (
          <p className="text-xs text-slate-500">None recorded.</p>
        ) : (
          <dl className="space-y-0.5 font-mono text-xs">
            {headers.map(([k, v]) => (
              <div key={k} className="flex gap-2">
                <dt className="shrink-0 text-slate-500">{k}:</dt>
                <dd className="break-all text-slate-800">{v}</dd>
              </div>
            ))}
          </dl>
        )}
        {d.commitAuthor ? <p className="mt-2 text-xs text-slate-600">Author: {d.commitAuthor}</p> : null}
        {d.commitSha ? <p className="text-xs text-slate-600">Commit: <span className="font-mono">{d.commitSha}</span></p> : null}
        {d.redeliveryOfId ? <p className="text-xs text-slate-600">A redelivery of an earlier delivery.</p> : null}
      </div>
      <div>
        <p className="mb-1 text-xs font-medium text-slate-600">Payload</p>
        <pre className="max-h-96 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800">{d.payload}</pre>
      </div>
    </div>
  );
}

function redeliveryText(r: RedeliveryResult): string {
  if (!r.delivery) return "Redelivered.";
  return `Redelivered: ${deliveryResultText({ outcome: r.delivery.outcome, reason: r.delivery.reason ?? "", buildNumber: r.build?.number ?? null })}.`;
}

function DeliveryRow({ appId, d, canRedeliver }: { appId: string; d: WebhookDeliveryDto; canRedeliver: boolean }) {
  const [open, setOpen] = useState(false);
  const redeliver = useRedeliver(appId);
  return (
    <Fragment>
      <tr className="border-t border-slate-100 align-top" data-testid="delivery-row">
        <td className="py-2 pr-3">
          <button type="button" className="text-left text-xs text-slate-600 hover:text-slate-900" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            <span aria-hidden="true">{open ? "▾" : "▸"}</span> <time dateTime={d.receivedAt}>{formatTime(d.receivedAt)}</time>
          </button>
        </td>
        <td className="py-2 pr-3 text-xs">{webhookProviderLabel(d.provider)}</td>
        <td className="py-2 pr-3 font-mono text-xs">{d.event || "—"}</td>
        <td className="max-w-[10rem] py-2 pr-3 text-xs">
          <span className="block truncate font-mono text-slate-500" title={d.deliveryId}>{d.deliveryId}</span>
          {d.redeliveryOfId ? <Badge className="mt-0.5">redelivery</Badge> : null}
        </td>
        <td className="py-2 pr-3 font-mono text-xs">{d.branch || "—"}</td>
        <td className="max-w-[16rem] py-2 pr-3 text-xs">
          {d.commitSha ? <span className="font-mono text-slate-500" title={d.commitSha}>{d.commitSha.slice(0, 7)}</span> : "—"}{" "}
          {d.commitMessage ? <span className="block truncate text-slate-800" title={d.commitMessage}>{d.commitMessage.split("\n")[0]}</span> : null}
        </td>
        <td className="py-2 pr-3">
          <Badge tone={outcomeTone[d.outcome as keyof typeof outcomeTone] ?? "neutral"} data-testid="delivery-result" title={d.reason || undefined}>
            {deliveryResultText(d)}
          </Badge>
        </td>
        <td className="py-2 pr-3">
          <Badge tone={statusTone(d.statusCode)} data-testid="delivery-status">{d.statusCode}</Badge>
        </td>
        <td className="py-2 text-right">
          {canRedeliver ? (
            <Button variant="secondary" size="sm" data-testid="redeliver" disabled={redeliver.isPending} onClick={() => redeliver.mutate(d.id)}>
              {redeliver.isPending ? "Sending…" : "Redeliver"}
            </Button>
          ) : null}
        </td>
      </tr>
      {redeliver.error || redeliver.data ? (
        <tr>
          <td colSpan={9} className="pb-2">
            <ErrorText error={redeliver.error} />
            {redeliver.data ? <p role="status" className="text-xs text-emerald-700" data-testid="redeliver-result">{redeliveryText(redeliver.data)}</p> : null}
          </td>
        </tr>
      ) : null}
      {open ? (
        <tr>
          <td colSpan={9} className="pb-3">
            <DeliveryDetail appId={appId} id={d.id} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** Like GitHub's "Recent deliveries": what arrived, what Slipway made of it and answered, and a way to send it again. */
export function DeliveryList({ appId, canRedeliver }: { appId: string; canRedeliver: boolean }) {
  const deliveries = useDeliveries(appId);
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardTitle>Recent deliveries</CardTitle>
      {deliveries.isPending ? <p className="text-sm text-slate-500">Loading deliveries…</p> : null}
      <ErrorText error={deliveries.error} />
      {!deliveries.isPending && !deliveries.error && items.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="no-deliveries">No deliveries yet. Connect your git provider (see the app page) and push.</p>
      ) : null}
      {items.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="deliveries">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="py-1 pr-3 font-medium">Time</th>
                <th className="py-1 pr-3 font-medium">Provider</th>
                <th className="py-1 pr-3 font-medium">Event</th>
                <th className="py-1 pr-3 font-medium">Delivery</th>
                <th className="py-1 pr-3 font-medium">Branch</th>
                <th className="py-1 pr-3 font-medium">Commit</th>
                <th className="py-1 pr-3 font-medium">Result</th>
                <th className="py-1 pr-3 font-medium">Status</th>
                <th className="py-1" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <DeliveryRow key={d.id} appId={appId} d={d} canRedeliver={canRedeliver} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deliveries.hasNextPage ? (
        <div className="mt-3">
          <Button variant="secondary" size="sm" disabled={deliveries.isFetchingNextPage} onClick={() => deliveries.fetchNextPage()}>
            {deliveries.isFetchingNextPage ? "Loading…" : "Load older deliveries"}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
