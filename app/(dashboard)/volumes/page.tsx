import { Prefetch } from "@/components/providers/prefetch";
import { BackupTargetsCard } from "@/components/volumes/backup-targets-card";
import { CreateVolumeForm } from "@/components/volumes/create-volume-form";
import { volumeKeys } from "@/components/volumes/queries";
import { VolumeList } from "@/components/volumes/volume-list";
import { requirePageActor } from "@/server/auth/page-actor";
import { can } from "@/server/auth/permissions";
import { listVolumes } from "@/server/volumes/list-volumes";

export default async function VolumesPage() {
  const actor = await requirePageActor();
  return (
    <Prefetch queries={[{ queryKey: volumeKeys.list(), queryFn: () => listVolumes({ actor }) }]}>
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-semibold">Volumes</h1>
          <p className="text-sm text-slate-500">Storage that outlives redeploys: a hard size, mounted into an app, backed up on demand or on a schedule.</p>
        </div>
        <VolumeList />
        {can(actor, "app:write") ? <CreateVolumeForm /> : null}
        {can(actor, "team:quota") ? <BackupTargetsCard /> : null}
      </div>
    </Prefetch>
  );
}
