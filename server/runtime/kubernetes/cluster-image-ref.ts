// Where a cluster pulls a release's image from. Shared by the build's push step and the
// KubernetesDriver, so the reference pushed is exactly the one the Deployment names.

/** The image reference a cluster with this registry prefix pulls; "" = the reference as built. */
export function clusterImageRef(imageRef: string, imageRegistry: string | undefined): string {
  const registry = (imageRegistry ?? "").trim().replace(/\/+$/, "");
  if (!registry) return imageRef;
  return `${registry}/${imageRef.replace(/^localhost\//, "")}`;
}

/**
 * "repo:tag" pinned to a digest: "repo:tag@sha256:…". Runtimes pull by the digest (containerd and
 * CRI-O ignore the tag when both are given), so a tag moved or overwritten later cannot change what
 * a release runs; the tag stays for people reading the Deployment. Already pinned refs are kept.
 */
export function pinnedImageRef(imageRef: string, digest: string): string {
  if (imageRef.includes("@")) return imageRef;
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${JSON.stringify(digest)} is not an image digest`);
  return `${imageRef}@${digest}`;
}

/**
 * Registries on this machine's loopback speak plain http in practice (as Docker assumes for
 * 127.0.0.0/8); every other registry keeps TLS verification.
 */
export function isLoopbackRegistry(imageRegistry: string): boolean {
  const host = imageRegistry.trim().split("/")[0]!.replace(/:\d+$/, "").toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** "host:5000/a/b:tag" → { repository: "host:5000/a/b", tag: "tag" }; no tag → "latest". */
export function splitImageRef(ref: string): { repository: string; tag: string } {
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > slash) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: "latest" };
}
