// Where an app may see a volume. A mount over a system directory would hide the image's own files
// (a volume at /etc replaces the app's resolv.conf and passwd; at /proc or /dev it breaks the
// container), so those are refused, as are relative paths and any ".." or "." segment.

/** Directories a volume may not be mounted at or inside (the engine and kubelet own them). */
const SYSTEM_DIRS = ["/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/run", "/var/run"];

/** null when the path is acceptable; otherwise what is wrong, for a 422 field message. */
export function checkMountPath(path: string): string | null {
  if (!path.startsWith("/")) return "must be an absolute path (starting with '/')";
  if (path.includes("\0")) return "must not contain a NUL character";
  if (/[:,\s]/.test(path)) return "must not contain ':', ',' or whitespace";
  const segments = path.split("/").slice(1);
  if (segments.some((s) => s === ".." || s === ".")) return "must not contain '.' or '..' segments";
  const clean = "/" + segments.filter(Boolean).join("/");
  if (clean === "/") return "must not be '/': a volume cannot replace the container's root";
  for (const dir of SYSTEM_DIRS) {
    if (clean === dir || clean.startsWith(`${dir}/`)) return `must not be ${dir} or inside it: that is a system directory of the container`;
  }
  return null;
}

/** The path as it is stored and mounted: no repeated or trailing slashes. */
export function normalizeMountPath(path: string): string {
  return "/" + path.split("/").filter(Boolean).join("/");
}
