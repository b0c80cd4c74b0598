/**
 * "Did you mean …?": the closest candidate to a misspelt word, for quick fixes on unknown keys, enum values,
 * schedulers and host references.
 */

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_ ]/g, '');
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), capped at `cap + 1`. */
export function editDistance(a: string, b: string, cap = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const cur = new Array<number>(cols);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > cap) return cap + 1;
    prevPrev = prev;
    prev = cur;
  }
  return prev[cols - 1];
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The candidate closest to `word`, or undefined when none is a likely typo. Case, `-` and `_` are ignored
 * first (`real_servers` → `realServers`); then up to 1 edit for words of ≤ 4 characters, 2 for longer ones.
 * Ties go to the longest common prefix, then to the shorter candidate (`rrr` → `rr`, not `wrr`). Failing
 * that, the only candidate that a word of ≥ 5 characters is the beginning of.
 */
export function closestName(word: string, candidates: Iterable<string>, aliases?: Readonly<Record<string, string>>): string | undefined {
  const norm = normalise(word);
  if (aliases && Object.prototype.hasOwnProperty.call(aliases, norm)) return aliases[norm];
  const cap = norm.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = cap + 1;
  let bestPrefix = -1;
  for (const candidate of candidates) {
    const c = normalise(candidate);
    const d = c === norm ? 0 : editDistance(norm, c, cap);
    if (d > cap) continue;
    const p = commonPrefix(norm, c);
    if (d < bestDistance || (d === bestDistance && (p > bestPrefix
      || (p === bestPrefix && best !== undefined && candidate.length < best.length)))) {
      best = candidate;
      bestDistance = d;
      bestPrefix = p;
    }
  }
  if (best === undefined && norm.length >= 5) {
    // A truncated name (`expire_nodest` → `expire_nodest_conn`) when only one candidate completes it.
    const completions = [...candidates].filter((c) => normalise(c).startsWith(norm));
    if (completions.length === 1) best = completions[0];
  }
  return best === word ? undefined : best;
}
