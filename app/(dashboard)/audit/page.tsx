import { AuditLog } from "@/components/audit/audit-log";
import { requirePageActor } from "@/server/auth/page-actor";
import { can } from "@/server/auth/permissions";

export default async function AuditPage() {
  const actor = await requirePageActor();
  const canReadTeam = can(actor, "team:audit");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="text-sm text-slate-500">Every change made through the dashboard, the API and API tokens: who, what, on which record, and when.</p>
      </div>
      {canReadTeam || actor.isPlatformAdmin ? (
        <AuditLog canReadTeam={canReadTeam} isPlatformAdmin={actor.isPlatformAdmin} teamSlug={actor.teamSlug} />
      ) : (
        <p className="text-sm text-slate-600" data-testid="audit-forbidden">
          Only admins and owners of team {actor.teamSlug} can read its audit log.
        </p>
      )}
    </div>
  );
}
