// Whether two cluster policies claim a common namespace, decided exactly on their patterns (names or
// globs with `*` and `?`, src/policy/match.ts), not on the namespaces that happen to exist: a conflict
// is a configuration error before its namespace is created.

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * Whether some string matches both globs. dp(i, j): the rests a[i..] and b[j..] share a match. A `*`
 * may match nothing (skip it) or one more character (stay on it); `?` and a letter consume one.
 * Two stars consuming one character together would stay put, and add nothing to skipping one: every
 * step advances i + j. O(|a|·|b|) states; namespaces are at most 63 characters.
 */
export function globsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const dp = (i: number, j: number): boolean => {
    if (i === a.length && j === b.length) return true;
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const ca = a[i];
    const cb = b[j];
    let r = (ca === '*' && dp(i + 1, j)) || (cb === '*' && dp(i, j + 1));
    if (!r && ca !== undefined && cb !== undefined && !(ca === '*' && cb === '*')) {
      const compatible = ca === '*' || ca === '?' || cb === '*' || cb === '?' || ca === cb;
      if (compatible) r = dp(ca === '*' ? i : i + 1, cb === '*' ? j : j + 1);
    }
    memo.set(key, r);
    return r;
  };
  return dp(0, 0);
}

/**
 * What two claims share, one term each for a message: a name (a literal the other matches), a glob
 * both write alike, "mine (overlaps theirs)" for two different globs, or "every namespace" when both
 * claim all (an empty list). [] when they share nothing.
 */
export function sharedNamespaces(mine: readonly string[], theirs: readonly string[]): string[] {
  if (mine.length === 0 && theirs.length === 0) return ['every namespace'];
  if (mine.length === 0) return [...theirs];
  if (theirs.length === 0) return [...mine];
  const out: string[] = [];
  for (const p of mine) {
    for (const q of theirs) {
      if (!globsOverlap(p, q)) continue;
      const term = !isGlob(p) ? p : !isGlob(q) ? q : p === q ? p : `${p} (overlaps ${q})`;
      if (!out.includes(term)) out.push(term);
    }
  }
  return out;
}
