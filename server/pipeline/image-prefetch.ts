// The image check (image-isolation.ts) asks the engine about every image a Dockerfile names
// before the engine may see it, and Podman 4.3 takes 60–150 ms per image inspect on a store of a
// few hundred images (it works out each image's parent by walking the whole store): on the way to
// every release. Most builds of an app use the Dockerfile its last build used (a source change),
// so the images that Dockerfile named are asked about while git clones, and the check takes those
// answers for the references it finds again; any other reference is asked about when the check
// reaches it.
// An answer is then older by at most the clone's time. Between the engine's answer and the build
// reading the image there was always some time (inspect, then build); the names whose meaning
// could change meanwhile are the operator's (base images) or the app's own build tags
// (imageTag: only builds of that app make them), never another team's.
import type { ImageInfo } from "../daemon/engine/engine";
import { dockerfileImageReferences } from "./image-isolation";

/** Apps remembered at most; the least recently built goes first. */
const MAX_APPS = 1000;
/** app id → the image references its last build's Dockerfile named */
const lastReferences = new Map<string, string[]>();

type Inspect = (ref: string) => Promise<ImageInfo | null>;

/**
 * Starts asking about the images the app's last build named, and returns the inspect the check
 * uses: those answers for the same references, `inspect` for any other. A failed early answer is
 * thrown where the check takes it; one the check never takes is dropped (nothing depended on it).
 */
export function prefetchImages(appId: string, inspect: Inspect): Inspect {
  const early = new Map<string, Promise<{ ok: true; info: ImageInfo | null } | { ok: false; error: unknown }>>();
  for (const ref of lastReferences.get(appId) ?? []) {
    early.set(
      ref,
      inspect(ref).then(
        (info) => ({ ok: true as const, info }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
  }
  return async (ref) => {
    const answer = early.get(ref);
    if (!answer) return inspect(ref);
    early.delete(ref);
    const r = await answer;
    if (!r.ok) throw r.error;
    return r.info;
  };
}

/** Remembers what this build's Dockerfile named, for the app's next build. */
export function rememberImages(appId: string, dockerfile: string): void {
  let refs: string[];
  try {
    refs = [...new Set(dockerfileImageReferences(dockerfile).map((r) => r.ref))];
  } catch {
    // A Dockerfile the check refuses (an ARG without default) names nothing worth asking about early.
    refs = [];
  }
  lastReferences.delete(appId);
  lastReferences.set(appId, refs);
  if (lastReferences.size > MAX_APPS) lastReferences.delete(lastReferences.keys().next().value!);
}
