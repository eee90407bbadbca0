// A volume's PersistentVolumeClaim, made, grown, observed and deleted with the team's own
// credentials. Level-triggered like everything slipwayd does: each call reads the claim, takes at
// most one step towards the volume's desired state, and says how the volume stands.
//
// Not server-side apply: a claim's storage class and access modes are immutable once made, and a
// request can only grow, so a claim is created once and afterwards only its request is patched.
import { PatchStrategy, type V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { KubeClients } from "./kube-client";
import { apiErrorMessage, apiStatusCode } from "./api-error";
import { FIELD_MANAGER, teamNamespace, volumeClaimName } from "./names";
import { volumeClaimManifest, type VolumeClaimSpec } from "./volume-claim-manifest";
import { quantityGib, volumeClaimState, type VolumeClaimObservation } from "./volume-claim-state";

/** The API server refused the request itself (quota, admission, validation): waiting does not fix it. */
function refused(e: unknown): boolean {
  const code = apiStatusCode(e);
  return code === 403 || code === 422 || code === 400;
}

async function readClaim(team: KubeClients, name: string, namespace: string): Promise<V1PersistentVolumeClaim | null> {
  try {
    return await team.core.readNamespacedPersistentVolumeClaim({ name, namespace });
  } catch (e) {
    if (apiStatusCode(e) === 404) return null;
    throw e;
  }
}

async function claimEvents(team: KubeClients, claim: V1PersistentVolumeClaim) {
  const name = claim.metadata?.name ?? "";
  const namespace = claim.metadata?.namespace ?? "";
  const list = await team.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name}` });
  // A claim made again under the same name (see below) has events of its predecessor too.
  return list.items.filter((e) => !e.involvedObject.uid || e.involvedObject.uid === claim.metadata?.uid);
}

/**
 * Makes the claim when it is missing, grows its request to the volume's size, and observes it.
 * A refusal by the API server (the namespace's ResourceQuota, a class that cannot expand) is the
 * volume's state "failed" with the API server's words; anything else (unreachable, 5xx) throws.
 */
export async function convergeVolumeClaim(team: KubeClients, v: VolumeClaimSpec): Promise<VolumeClaimObservation> {
  const name = volumeClaimName(v.volumeId);
  const namespace = teamNamespace(v.teamSlug);
  let claim = await readClaim(team, name, namespace);
  if (!claim) {
    try {
      claim = await team.core.createNamespacedPersistentVolumeClaim({ namespace, body: volumeClaimManifest(v), fieldManager: FIELD_MANAGER });
    } catch (e) {
      if (!refused(e)) throw e;
      return { state: "failed", reason: `the cluster refused the volume's claim ${name}: ${apiErrorMessage(e)}`, provisionedGib: 0 };
    }
  }
  const requestedGib = quantityGib(claim.spec?.resources?.requests?.storage);
  if (requestedGib < v.sizeGib && !claim.metadata?.deletionTimestamp) {
    if (claim.status?.phase !== "Bound") {
      // An unbound claim's request is immutable, and it holds no data: it is made again at the
      // new size (next step, once the API server has removed it).
      await team.core.deleteNamespacedPersistentVolumeClaim({ name, namespace }).catch((e: unknown) => {
        if (apiStatusCode(e) !== 404) throw e;
      });
      return { state: "pending", reason: `growing to ${v.sizeGib} GiB: the claim was not bound yet, so it is made again at the new size`, provisionedGib: 0 };
    }
    try {
      claim = (await team.objects.patch(
        { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace }, spec: { resources: { requests: { storage: `${v.sizeGib}Gi` } } } },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      )) as V1PersistentVolumeClaim;
    } catch (e) {
      if (!refused(e)) throw e;
      const has = quantityGib(claim.status?.capacity?.storage);
      return {
        state: "failed",
        reason: `growing to ${v.sizeGib} GiB was refused by the cluster: ${apiErrorMessage(e)}. The volume keeps its ${has} GiB and its data; the storage class must allow volume expansion.`,
        provisionedGib: has,
      };
    }
  }
  return volumeClaimState(claim, await claimEvents(team, claim), v.sizeGib);
}

/**
 * Deletes the claim (its PersistentVolume goes with it when the class's reclaim policy says
 * Delete). Returns true once the claim is gone; false while the cluster still holds it (a pod
 * still mounts it: the pvc-protection finalizer keeps it until that pod ends).
 */
export async function deleteVolumeClaim(team: KubeClients, v: Pick<VolumeClaimSpec, "teamSlug" | "volumeId">): Promise<boolean> {
  const name = volumeClaimName(v.volumeId);
  const namespace = teamNamespace(v.teamSlug);
  const claim = await readClaim(team, name, namespace);
  if (!claim) return true;
  if (!claim.metadata?.deletionTimestamp) {
    try {
      await team.core.deleteNamespacedPersistentVolumeClaim({ name, namespace });
    } catch (e) {
      if (apiStatusCode(e) === 404) return true;
      throw e;
    }
  }
  return (await readClaim(team, name, namespace)) === null;
}
