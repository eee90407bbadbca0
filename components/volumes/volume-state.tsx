import { Badge } from "@/components/ui/badge";
import type { VolumeDto } from "@/server/volumes/schemas";

/** The runtime's word on the volume: pending until its storage exists, failed with the reason. */
export function VolumeStateBadge({ volume: v }: { volume: VolumeDto }) {
  if (v.deleting) return <Badge tone="warning" data-testid="volume-state">deleting</Badge>;
  const tone = v.state === "ready" ? "success" : v.state === "failed" ? "failure" : "warning";
  return <Badge tone={tone} data-testid="volume-state">{v.state}</Badge>;
}
