// Whom an app's containers run as: one policy for both runtimes, decided once per image when it
// is built and kept on the release, so a rollback runs as it did.
//
//   - The image's own user when it names a non-root one (`USER 1000`, `USER node`,
//     `USER app:web`): the same user on Podman and on Kubernetes.
//   - Never root. An image that declares no USER, or root, runs as user and group 10001 on both
//     runtimes, as OpenShift runs images under an arbitrary UID. Files that only root may write
//     (a directory the Dockerfile made as root) are read-only to the app on both, so an app that
//     works on one runtime works on the other.
//
// Kubernetes' Pod Security `restricted` (which Slipway's team namespaces enforce) needs a numeric
// non-root user, so a named user is resolved to its numbers from the image's /etc/passwd and
// /etc/group at build time. A group the image left out stays unset: each runtime then takes the
// user's primary group from the image's /etc/passwd, both the same way (Docker's rule).
// Pure: the tables come from the caller (server/pipeline/resolve-run-as.ts reads them).

/** The user and group an image without a non-root USER runs as, on every runtime. */
export const DEFAULT_RUN_AS_ID = 10001;

export interface RunAs {
  uid: number;
  /** null: the user's primary group from the image's /etc/passwd (0 when it has no entry) */
  gid: number | null;
  /** the image's USER as declared ("" when it has none) */
  imageUser: string;
}

/** The image's /etc/passwd and /etc/group (empty strings when it has none). */
export interface UserTables {
  passwd: string;
  group: string;
}

export class RunAsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunAsError";
  }
}

const NUMERIC = /^\d+$/;

function split(imageUser: string): { user: string; group: string | null } {
  const at = imageUser.indexOf(":");
  return at < 0 ? { user: imageUser, group: null } : { user: imageUser.slice(0, at), group: imageUser.slice(at + 1) || null };
}

/** Whether resolving `imageUser` needs the image's /etc/passwd and /etc/group (a name in it). */
export function needsUserTables(imageUser: string): boolean {
  const { user, group } = split(imageUser.trim());
  return (user !== "" && user !== "root" && !NUMERIC.test(user)) || (group !== null && !NUMERIC.test(group));
}

/** name → id from a passwd- or group-format file (name:x:id:…). */
function idByName(table: string, name: string): number | null {
  for (const line of table.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f[2] !== undefined && NUMERIC.test(f[2])) return Number(f[2]);
  }
  return null;
}

/** The run-as of an image whose USER is `imageUser`; throws RunAsError when a name is not in the image's tables. */
export function runAsFor(imageUser: string, tables: UserTables = { passwd: "", group: "" }): RunAs {
  const declared = imageUser.trim();
  const { user, group } = split(declared);
  const fallback: RunAs = { uid: DEFAULT_RUN_AS_ID, gid: DEFAULT_RUN_AS_ID, imageUser: declared };
  if (user === "") return fallback;
  // root is root whatever the image's tables say (or whether it has any).
  const uid = NUMERIC.test(user) ? Number(user) : user === "root" ? 0 : idByName(tables.passwd, user);
  if (uid === null) {
    throw new RunAsError(`The image's USER ${declared} names a user that is not in the image's /etc/passwd; add the user in the Dockerfile (for example RUN adduser) or give a number (USER 10001)`);
  }
  if (uid === 0) return fallback;
  if (group === null) return { uid, gid: null, imageUser: declared };
  const gid = NUMERIC.test(group) ? Number(group) : idByName(tables.group, group);
  if (gid === null) {
    throw new RunAsError(`The image's USER ${declared} names a group that is not in the image's /etc/group; add the group in the Dockerfile or give a number (USER ${uid}:10001)`);
  }
  return { uid, gid, imageUser: declared };
}

/**
 * Why it runs as it does, from what the release keeps: "image" (the image's own non-root user),
 * "no-user" (the image declares none) or "root" (the image's USER is root, by name or number;
 * a named user without a group keeps gid null unless it was root and replaced).
 */
export function runAsReason(r: RunAs): "image" | "no-user" | "root" {
  if (r.imageUser === "") return "no-user";
  const { user, group } = split(r.imageUser);
  if (user === "root" || (NUMERIC.test(user) && Number(user) === 0)) return "root";
  if (!NUMERIC.test(user) && group === null && r.uid === DEFAULT_RUN_AS_ID && r.gid === DEFAULT_RUN_AS_ID) return "root";
  return "image";
}

/** What the build log and the app page say: whom it runs as, and why. */
export function describeRunAs(r: RunAs): string {
  const ids = `user ${r.uid}, group ${r.gid ?? "(the user's own, from the image's /etc/passwd)"}`;
  const never = "and Slipway never runs an app as root, on any runtime: files that only root may write are read-only to it";
  switch (runAsReason(r)) {
    case "no-user":
      return `Runs as ${ids}: the image declares no USER, ${never}`;
    case "root":
      return `Runs as ${ids}: the image's USER ${r.imageUser} is root, ${never}`;
    case "image":
      return `Runs as ${ids}: the image's USER ${r.imageUser}, the same on every runtime`;
  }
}

/**
 * The supplementary group the app's processes also get, on both runtimes: Kubernetes' fsGroup
 * (volumes are made writable to it there), and the same group added on Podman, so a file owned
 * by that group is as writable on one runtime as on the other.
 */
export function volumeGroup(r: Pick<RunAs, "gid">): number {
  return r.gid ?? DEFAULT_RUN_AS_ID;
}

const DENIED = /permission denied|EACCES|EPERM|operation not permitted|read-only file system|cannot create|can't create/i;

/**
 * What to do when a crash looks like the app could not write a file, for the reason a failed or
 * crashing release gives: it runs as a non-root user on every runtime, so a directory the
 * Dockerfile made as root is read-only to it. "" when the lines show no such error.
 */
export function writeAccessHint(lines: string[], runAs: Pick<RunAs, "uid" | "gid" | "imageUser"> | null): string {
  if (!runAs || !lines.some((l) => DENIED.test(l))) return "";
  const who = runAsReason({ ...runAs }) === "image" ? `the image's user ${runAs.uid}` : `user ${runAs.uid} (Slipway never runs an app as root)`;
  return ` It runs as ${who} on every runtime: if it could not write a file, make that directory writable in the Dockerfile (RUN mkdir -p <dir> && chown ${runAs.uid} <dir>), or write under /tmp.`;
}

/** The engine's --user value ("uid" or "uid:gid"). */
export function engineUser(r: Pick<RunAs, "uid" | "gid">): string {
  return r.gid === null ? String(r.uid) : `${r.uid}:${r.gid}`;
}
