import { Badge } from "@/components/ui/badge";
import type { ClusterDto } from "@/server/clusters/schemas";

/** UTC, so the server render and the browser agree whatever the browser's time zone. */
export function formatCheckedAt(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "never";
}

export function ReachableBadge({ cluster }: { cluster: ClusterDto }) {
  return cluster.reachable ? <Badge tone="success">reachable</Badge> : <Badge tone="failure">unreachable</Badge>;
}

/** The outcome of the last probe: the version when it answered, else why not and what to do. */
export function ProbeResult({ cluster }: { cluster: ClusterDto }) {
  if (cluster.reachable) {
    return (
      <p className="text-sm text-emerald-800" data-testid="probe-result">
        {cluster.name} answered: Kubernetes {cluster.version} at {cluster.server}.
      </p>
    );
  }
  return (
    <div className="space-y-1 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="probe-result">
      <p>
        <strong>{cluster.name} is unreachable</strong> from the Slipway server: {cluster.lastError ?? "not checked yet"}
      </p>
      {cluster.hint ? <p>{cluster.hint}</p> : null}
    </div>
  );
}
