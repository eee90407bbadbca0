/**
 * Podman ends a build by listing every name the resulting image has. An image identical to an
 * earlier one (same layers, e.g. another app built from the same commit) carries that app's names
 * too; they say nothing about this build and would leak other apps' names into its log.
 */
export function isOtherImageName(line: string, tag: string): boolean {
  const m = /^Successfully tagged (\S+)$/.exec(line.trim());
  return !!m && m[1] !== tag && m[1] !== `localhost/${tag.replace(/^localhost\//, "")}`;
}
