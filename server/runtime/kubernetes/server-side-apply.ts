// Every object Slipway owns is written by server-side apply with one field manager, so repeated
// applies are idempotent and fields set by others (HPA replicas, admission defaults) are kept.
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from "@kubernetes/client-node";
import { FIELD_MANAGER } from "./names";

export async function serverSideApply<T extends KubernetesObject>(objects: KubernetesObjectApi, object: T): Promise<T> {
  return objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
}

export async function applyAll(objects: KubernetesObjectApi, list: KubernetesObject[]): Promise<void> {
  // In order: a Namespace before what lives in it, a Secret before the Deployment that reads it.
  for (const object of list) await serverSideApply(objects, object);
}
