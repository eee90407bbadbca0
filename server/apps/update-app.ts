import "server-only";
import { getDb } from "../db";
import type { Actor } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { assertWithinQuota } from "../quotas/assert-within-quota";
import { sealJson } from "../crypto/secret-box";
import { getPlatformSettings } from "../settings/get-platform-settings";
import { assertBranchExists, parseGitSource } from "./check-git-source";
import { getAppOrThrow } from "./get-app";
import { updateAppInput, type AppDto, type UpdateAppInput } from "./schemas";
import { toAppDto } from "./to-app-dto";
import { eventActor } from "./events/event-actor";
import { recordAppEvent } from "./events/record-app-event";
import { nudgeSlipwayd } from "../runtime/embedded/nudge-slipwayd";
import { assertReplicasFitVolumes } from "../volumes/attachment-rules";

/** Settings take effect at the next deploy (a release is an immutable snapshot); replicas at once. */
export async function updateApp({ actor, appId, input }: { actor: Actor; appId: string; input: UpdateAppInput }): Promise<AppDto> {
  const data = updateAppInput.parse(input);
  const current = await getAppOrThrow({ actor, appId });
  let gitUrl: string | undefined;
  if (data.gitUrl !== undefined || data.gitBranch !== undefined) {
    const source = await parseGitSource(data.gitUrl ?? current.gitUrl, await getPlatformSettings());
    await assertBranchExists(source, data.gitBranch ?? current.gitBranch);
    gitUrl = source.kind === "local" ? source.path : source.url;
  }
  const { env, ...rest } = data;
  const scaled = data.replicas !== undefined && data.replicas !== current.replicas;
  const who = scaled ? await eventActor(getDb(), actor) : null;
  const app = await getDb().$transaction(async (tx) => {
    // Replicas apply to what runs at once; cpu and memory count once a build or release uses them.
    if (data.replicas !== undefined || data.cpuMillicores !== undefined || data.memoryMib !== undefined) {
      const action = data.replicas !== undefined && data.replicas !== current.replicas ? `Scaling ${current.slug} to ${data.replicas} replicas` : `Resizing ${current.slug}`;
      await assertWithinQuota(tx, {
        teamId: actor.teamId,
        action,
        app: { id: current.id, change: { kind: "update", replicas: data.replicas, cpuMillicores: data.cpuMillicores, memoryMib: data.memoryMib } },
      });
    }
    if (data.replicas !== undefined) {
      await assertReplicasFitVolumes(tx, { id: current.id, slug: current.slug, onCluster: current.project.cluster !== null }, data.replicas);
    }
    const updated = await tx.app.update({
      where: { id: current.id },
      data: { ...rest, gitUrl, envEncrypted: env ? sealJson(env) : undefined },
    });
    // What changed, from → to; env values are secrets, so only their names.
    await recordAudit(tx, { actor, action: "app.update", targetType: "app", targetId: current.id, data: { slug: current.slug, changes: Object.fromEntries(Object.entries({ ...rest, gitUrl }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, { from: current[k as keyof typeof rest], to: v }])), ...(env ? { envKeys: Object.keys(env).sort() } : {}) } });
    if (scaled && who) {
      // A stopped app keeps its new scale for when it starts: the timeline says so.
      const note = current.stopped ? "; stopped, applies when started" : "";
      await recordAppEvent(tx, { teamId: actor.teamId, appId: current.id, kind: "scaled", message: `scaled to ${data.replicas} (was ${current.replicas}) by ${who.label}${note}`, releaseId: current.liveReleaseId, actor: who });
    }
    // The relations the DTO shows (project, team, live release) are not changed here: reuse them.
    return { ...current, ...updated };
  });
  // A new scale runs at once: slipwayd need not wait for its next poll.
  if (scaled) await nudgeSlipwayd(`scale of app ${current.id}`);
  return toAppDto(app);
}
