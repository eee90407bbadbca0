// Which pushed branches build: an exact name, or a glob where `*` matches within one part between
// slashes, `**` across slashes and `?` one character (not a slash). Matched by dynamic programming
// over (pattern, branch) positions: linear in their product, no regular expression to backtrack.

type Token = { kind: "literal"; char: string } | { kind: "star" } | { kind: "globstar" } | { kind: "one" };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*" && pattern[i + 1] === "*") {
      tokens.push({ kind: "globstar" });
      while (pattern[i + 1] === "*") i++;
    } else if (char === "*") tokens.push({ kind: "star" });
    else if (char === "?") tokens.push({ kind: "one" });
    else tokens.push({ kind: "literal", char });
  }
  return tokens;
}

export const isGlob = (filter: string) => /[*?]/.test(filter);

/** The filter pushes are matched against: the app's own branch when none is set. */
export function effectiveBranchFilter(app: { pushBranchFilter: string; gitBranch: string }): string {
  return app.pushBranchFilter.trim() || app.gitBranch;
}

export function matchesBranchFilter(branch: string, filter: string): boolean {
  if (!isGlob(filter)) return branch === filter;
  const tokens = tokenize(filter);
  // can[j] = the first i tokens match the first j characters of the branch.
  let can = new Array<boolean>(branch.length + 1).fill(false);
  can[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(branch.length + 1).fill(false);
    for (let j = 0; j <= branch.length; j++) {
      if (token.kind === "star" || token.kind === "globstar") {
        // Zero characters, or one more character the wildcard may take.
        const extend = j > 0 && next[j - 1]! && (token.kind === "globstar" || branch[j - 1] !== "/");
        next[j] = can[j]! || extend;
      } else if (j > 0 && can[j - 1]) {
        const c = branch[j - 1]!;
        next[j] = token.kind === "one" ? c !== "/" : c === token.char;
      }
    }
    can = next;
  }
  return can[branch.length]!;
}
