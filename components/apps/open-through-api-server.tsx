"use client";

import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { useOpenLink } from "./queries";

/**
 * For an app on a cluster without an ingress domain: a fresh link through the cluster's API
 * server (its service proxy), valid for two hours, opened in a new tab.
 */
export function OpenThroughApiServer({ appId, runtimeTarget }: { appId: string; runtimeTarget: string }) {
  const open = useOpenLink(appId);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <span className="text-sm text-slate-600">
        Live on {runtimeTarget}, which has no ingress domain: open it through the cluster&apos;s API server.
      </span>
      <Button
        variant="secondary"
        size="sm"
        disabled={open.isPending}
        data-testid="open-app"
        onClick={() => open.mutate(undefined, { onSuccess: (link) => window.open(link.url, "_blank", "noopener,noreferrer") })}
      >
        {open.isPending ? "Opening…" : "Open"}
      </Button>
      {open.data ? (
        <a href={open.data.url} target="_blank" rel="noreferrer" className="font-mono text-xs text-blue-700 underline" data-testid="open-link">
          link valid until {new Date(open.data.expiresAt).toLocaleTimeString()}
        </a>
      ) : null}
      <ErrorText error={open.error} />
    </div>
  );
}
