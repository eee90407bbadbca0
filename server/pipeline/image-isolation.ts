// A build may start from operator-provided images and from its own team's builds, never from
// another team's: the engine shares one image store, and `FROM localhost/slipway/<their image>`
// (or their image id, or digest) would copy their source into this build. Before the engine sees
// the Dockerfile, every image it can reference (FROM, COPY --from, RUN --mount from=, and ONBUILD
// triggers of those images) is resolved the way the engine resolves it and checked by label.
import type { ImageInfo } from "../daemon/engine/engine";
import { IMAGE_LABEL, SLIPWAY_IMAGE_PREFIX } from "../daemon/engine/container-spec";
import { dockerfileInstructions } from "../daemon/engine/dockerfile-instructions";
import { BuildFailure } from "./build-failure";

export interface ImageReference {
  /** the reference with build args expanded */
  ref: string;
  /** where it appears, for messages: "line 3 (FROM)" */
  where: string;
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** The instructions as the engine's own parser splits them (directives, continuations, comments). */
function instructions(dockerfile: string): Instruction[] {
  return dockerfileInstructions(dockerfile).map((i) => ({ line: i.firstLine + 1, keyword: i.keyword.toUpperCase(), args: i.args }));
}

class Unresolvable extends Error {}

/** Expands $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt} with the known args; unknown → Unresolvable. */
function expand(value: string, vars: Map<string, string>): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = vars.get(name);
    if (op === ":-" || op === "-") {
      if (v !== undefined && (op === "-" || v !== "")) return v;
      return expand(word ?? "", vars);
    }
    if (op === ":+" || op === "+") return v !== undefined && (op === "+" || v !== "") ? expand(word ?? "", vars) : "";
    if (v === undefined) throw new Unresolvable(name);
    return v;
  });
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** ARG name[=default] ... (several per line are allowed). */
function parseArgs(args: string): [string, string | undefined][] {
  return args
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => {
      const eq = a.indexOf("=");
      return eq < 0 ? [a, undefined] : [a.slice(0, eq), unquote(a.slice(eq + 1))];
    });
}

function flags(args: string): { flags: Map<string, string[]>; rest: string } {
  const out = new Map<string, string[]>();
  let rest = args;
  for (;;) {
    const m = /^--([a-zA-Z-]+)(?:=("[^"]*"|'[^']*'|\S*))?\s*/.exec(rest);
    if (!m) break;
    out.set(m[1]!.toLowerCase(), [...(out.get(m[1]!.toLowerCase()) ?? []), unquote(m[2] ?? "")]);
    rest = rest.slice(m[0].length);
  }
  return { flags: out, rest };
}

/**
 * Every image a Dockerfile can make the engine read, with ARG defaults expanded (builds get no
 * --build-arg, so defaults are the values). Stage names and indexes are not images. A reference
 * that depends on an ARG without a default cannot be checked, so it is refused.
 */
export function dockerfileImageReferences(dockerfile: string): ImageReference[] {
  const refs: ImageReference[] = [];
  const globalArgs = new Map<string, string>();
  const stages: string[] = [];
  let stageArgs: Map<string, string> | null = null;
  const fail = (where: string, what: string, name: string) => {
    throw new BuildFailure(
      `The Dockerfile's ${what} at ${where} uses the build argument $${name}, which has no default value; Slipway passes no build arguments, so the image it names cannot be checked. Give the ARG a default or write the image name out.`,
    );
  };
  const isStage = (ref: string) => stages.includes(ref.toLowerCase()) || (/^\d+$/.test(ref) && Number(ref) < stages.length);
  const add = (raw: string, vars: Map<string, string>, where: string, what: string) => {
    let ref: string;
    try {
      ref = expand(raw, vars);
    } catch (e) {
      if (e instanceof Unresolvable) return fail(where, what, e.message);
      throw e;
    }
    if (!ref) throw new BuildFailure(`The Dockerfile's ${what} at ${where} names no image`);
    if (isStage(ref) || ref.toLowerCase() === "scratch") return;
    refs.push({ ref, where: `${where} (${what})` });
  };
  for (const ins of instructions(dockerfile)) {
    const where = `line ${ins.line}`;
    if (ins.keyword === "ARG") {
      for (const [name, def] of parseArgs(ins.args)) {
        const target = stageArgs ?? globalArgs;
        if (def !== undefined) {
          let value: string;
          try {
            value = expand(def, target);
          } catch {
            continue; // an ARG whose default depends on an unknown one stays unknown
          }
          target.set(name, value);
        } else if (stageArgs && globalArgs.has(name)) {
          // "ARG NAME" inside a stage brings the global default into scope.
          stageArgs.set(name, globalArgs.get(name)!);
        }
      }
      continue;
    }
    if (ins.keyword === "FROM") {
      const { rest } = flags(ins.args);
      const [image, as, name] = rest.split(/\s+/);
      add(image ?? "", globalArgs, where, "FROM");
      stages.push(as?.toUpperCase() === "AS" && name ? name.toLowerCase() : `#${stages.length}`);
      stageArgs = new Map();
      continue;
    }
    const vars = new Map([...(stageArgs ?? new Map<string, string>())]);
    if (ins.keyword === "COPY" || ins.keyword === "ADD") {
      for (const from of flags(ins.args).flags.get("from") ?? []) add(from, vars, where, `${ins.keyword} --from`);
      continue;
    }
    if (ins.keyword === "RUN") {
      for (const mount of flags(ins.args).flags.get("mount") ?? []) {
        for (const kv of mount.split(",")) {
          const [k, v] = kv.split("=", 2);
          if (k?.trim().toLowerCase() === "from" && v !== undefined) add(v.trim(), vars, where, "RUN --mount from=");
        }
      }
      continue;
    }
    if (ins.keyword === "ONBUILD") {
      // Checked when an image made from this one is built (as the base's ONBUILD triggers).
      continue;
    }
  }
  return refs;
}

export interface ImageCheckOptions {
  dockerfile: string;
  teamId: string;
  inspect: (ref: string) => Promise<ImageInfo | null>;
  /** registry prefixes Slipway pushes builds to (clusters' image registries) */
  pushPrefixes?: string[];
}

/** Whether an image came out of a Slipway build: by label, or (for images from before labels) by name. */
function slipwayBuilt(info: ImageInfo): boolean {
  return Object.values(IMAGE_LABEL).some((k) => k in info.labels) || info.repoTags.some((t) => t.startsWith(SLIPWAY_IMAGE_PREFIX));
}

function looksLikeSlipwayName(ref: string, pushPrefixes: string[]): boolean {
  const r = ref.toLowerCase();
  const bare = r.replace(/^localhost\//, "");
  return bare.startsWith(SLIPWAY_IMAGE_PREFIX.slice("localhost/".length)) || pushPrefixes.some((p) => p && r.startsWith(`${p.toLowerCase().replace(/\/+$/, "")}/`));
}

/**
 * Refuses the build (BuildFailure) when the Dockerfile references an image that another team
 * built, or a Slipway-built image whose owner it cannot tell. Images without Slipway's labels
 * (bases the operator provides, or pulled from a public registry) are allowed.
 */
export async function assertImagesAllowed(o: ImageCheckOptions): Promise<void> {
  const pushPrefixes = (o.pushPrefixes ?? []).map((p) => p.trim()).filter(Boolean);
  const queue = dockerfileImageReferences(o.dockerfile);
  const seen = new Set<string>();
  for (let depth = 0; queue.length && depth < 200; depth++) {
    const { ref, where } = queue.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const info = await o.inspect(ref);
    if (!info) {
      // Not in the engine's store: it will be pulled. A name in Slipway's own namespace (or a
      // cluster registry Slipway pushes to) could come to mean another team's build by then.
      // An image id (or prefix) the engine does not have yet could come to match another team's next build.
      if (/^(sha256:)?[0-9a-f]{6,64}$/i.test(ref)) {
        throw new BuildFailure(`The Dockerfile references ${ref} at ${where}: the engine has no image with that id. Name a base image or one of this team's builds.`);
      }
      if (looksLikeSlipwayName(ref, pushPrefixes)) {
        throw new BuildFailure(`The Dockerfile references ${ref} at ${where}: no image of this team has that name. A build can only start from its own team's builds or from base images.`);
      }
      continue;
    }
    const owner = info.labels[IMAGE_LABEL.team];
    if (owner !== o.teamId && (owner !== undefined || slipwayBuilt(info))) {
      throw new BuildFailure(`The Dockerfile references ${ref} at ${where}, an image built by Slipway for another team. A build can only start from its own team's builds or from base images.`);
    }
    // An allowed image (the team's own included) may carry ONBUILD triggers that copy from others.
    const triggers = dockerfileImageReferences(["FROM scratch", ...info.onBuild].join("\n"));
    for (const t of triggers) queue.push({ ref: t.ref, where: `an ONBUILD trigger of ${ref}` });
  }
}
