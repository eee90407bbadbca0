// Bytes in use (measured by the runtime) against the volume's size, and how far a grow has got.
import type { VolumeDto } from "@/server/volumes/schemas";
import { formatBytes, formatUtc } from "./volume-format";

const GIB = 1024 ** 3;

export function VolumeUsage({ volume: v }: { volume: VolumeDto }) {
  // A cluster's claim is not measured (no portable way short of a pod that mounts it).
  const unmeasured = !v.onCluster ? "not measured yet" : "not measured on clusters";
  const size = v.sizeGib * GIB;
  const pct = v.usedBytes === null ? 0 : Math.min(100, Math.round((v.usedBytes / size) * 100));
  // A few KiB of a GiB rounds to 0 %: a sliver still shows that something is stored.
  const width = v.usedBytes ? Math.max(pct, 1) : 0;
  return (
    <div data-testid="volume-usage" className="min-w-48">
      <div className="flex justify-between gap-2 text-xs text-slate-600">
        <span>{v.usedBytes === null ? unmeasured : `${formatBytes(v.usedBytes)} used`}</span>
        <span>of {v.sizeGib} GiB</span>
      </div>
      <div
        role="meter"
        aria-label={`${v.name} space used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={v.usedBytes === null ? unmeasured : `${formatBytes(v.usedBytes)} of ${v.sizeGib} GiB`}
        className="mt-1 h-2 rounded bg-slate-100"
      >
        <div className={`h-2 rounded ${pct > 90 ? "bg-red-500" : "bg-slate-700"}`} style={{ width: `${width}%` }} />
      </div>
      <p className="mt-0.5 text-xs text-slate-500">
        {v.provisionedGib > 0 && v.provisionedGib < v.sizeGib ? `growing from ${v.provisionedGib} GiB · ` : ""}
        {v.measuredAt ? `measured ${formatUtc(v.measuredAt)}` : ""}
      </p>
    </div>
  );
}
