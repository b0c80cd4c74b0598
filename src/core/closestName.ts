/**
 * "Did you mean …?": the closest candidate to a misspelt word, for the quick fixes of the cluster file
 * (unknown keys, enum values, schedulers, sysctls, host references) and of ipvsadm rules (schedulers,
 * scheduler flags). One module for both languages.
 *
 * The cost is bounded whatever the input: a word is compared on its first MAX_COMPARED_LENGTH characters,
 * the edit distance is banded (cells at most `cap` off the diagonal, stopped as soon as a row exceeds the
 * cap), candidates whose length differs by more than the cap are skipped, and a set of candidates as large
 * as the input (the hosts of a file) is searched through a NameIndex, which verifies at most a fixed number
 * of candidates per word. A file with many hosts and many unknown references therefore costs time linear
 * in its size (nameSearchWork counts the steps, for tests).
 */

/** Characters of a word (after normalising) that take part in a comparison. */
export const MAX_COMPARED_LENGTH = 64;

/** Steps taken so far (distance cells, index entries, candidates visited): tests check this stays linear. */
export const nameSearchWork = { steps: 0 };

/** Case, `-`, `_` and blanks ignored; the first MAX_COMPARED_LENGTH characters. */
function normalise(word: string): string {
  return word.slice(0, 4 * MAX_COMPARED_LENGTH).toLowerCase().replace(/[-_ ]/g, '').slice(0, MAX_COMPARED_LENGTH);
}

/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions) of a and b, or `cap + 1`
 * when it is above `cap`. Banded: only cells with |i − j| ≤ cap are computed, O(min(|a|, |b|) · cap).
 */
export function editDistance(a: string, b: string, cap = Math.max(a.length, b.length)): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > cap) return cap + 1;
  const far = cap + 1;
  if (rows[0].length < lb + 2) for (let r = 0; r < 3; r++) rows[r] = new Int32Array(2 * (lb + 2));
  let prevPrev = rows[0];
  let prev = rows[1];
  let cur = rows[2];
  prevPrev.fill(far, 0, lb + 2);
  prev.fill(far, 0, lb + 2);
  cur.fill(far, 0, lb + 2);
  for (let j = 0; j <= Math.min(lb, cap); j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - cap);
    const hi = Math.min(lb, i + cap);
    cur[lo - 1] = lo === 1 ? (i <= cap ? i : far) : far;
    if (hi + 1 <= lb) cur[hi + 1] = far;
    let rowMin = cur[lo - 1];
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ca === cb ? 0 : 1);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb && prevPrev[j - 2] + 1 < d) d = prevPrev[j - 2] + 1;
      cur[j] = d > far ? far : d;
      if (d < rowMin) rowMin = d;
    }
    nameSearchWork.steps += hi - lo + 1;
    if (rowMin > cap) return far;
    const t = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb], far);
}

/** The three rows of editDistance, reused between calls (the search runs synchronously, one at a time). */
const rows: Int32Array[] = [new Int32Array(MAX_COMPARED_LENGTH + 2), new Int32Array(MAX_COMPARED_LENGTH + 2), new Int32Array(MAX_COMPARED_LENGTH + 2)];

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The edits a word of this (normalised) length may be away from a candidate: 1 up to 4 characters, else 2. */
function capFor(norm: string): number {
  return norm.length <= 4 ? 1 : 2;
}

/** Keeps the best candidate seen: the smallest distance, then the longest common prefix, then the shorter name. */
class BestMatch {
  name: string | undefined;
  private distance: number;
  private prefix = -1;

  constructor(private readonly norm: string, private readonly cap: number) {
    this.distance = cap + 1;
  }

  offer(candidate: string, c: string): void {
    if (Math.abs(c.length - this.norm.length) > this.cap) return;
    const d = c === this.norm ? 0 : editDistance(this.norm, c, this.cap);
    if (d > this.cap) return;
    const p = commonPrefix(this.norm, c);
    if (d < this.distance || (d === this.distance && (p > this.prefix
      || (p === this.prefix && this.name !== undefined && candidate.length < this.name.length)))) {
      this.name = candidate;
      this.distance = d;
      this.prefix = p;
    }
  }
}

/**
 * The candidate closest to `word`, or undefined when none is a likely typo. Case, `-` and `_` are ignored
 * first (`real_servers` → `realServers`); then up to 1 edit for words of ≤ 4 characters, 2 for longer ones.
 * Ties go to the longest common prefix, then to the shorter candidate (`rrr` → `rr`, not `wrr`). Failing
 * that, the only candidate that a word of ≥ 5 characters is the beginning of. For a fixed vocabulary
 * (keys, enum values); a set as large as the input goes through a NameIndex.
 */
export function closestName(word: string, candidates: Iterable<string>, aliases?: Readonly<Record<string, string>>): string | undefined {
  const norm = normalise(word);
  if (aliases && Object.prototype.hasOwnProperty.call(aliases, norm)) return aliases[norm];
  const best = new BestMatch(norm, capFor(norm));
  const all = [...candidates];
  const norms = all.map(normalise);
  for (let i = 0; i < all.length; i++) best.offer(all[i], norms[i]);
  let found = best.name;
  if (found === undefined && norm.length >= 5) {
    // A truncated name (`expire_nodest` → `expire_nodest_conn`) when only one candidate completes it.
    const completions = all.filter((_, i) => norms[i].startsWith(norm));
    nameSearchWork.steps += all.length;
    if (completions.length === 1) found = completions[0];
  }
  return found === word ? undefined : found;
}

/**
 * Candidates ranked by distance to `name` (case, `-`, `_` ignored), closest first; ties keep the given
 * order. For the short fixed lists of ipvsadm (schedulers, scheduler flags): every candidate is ranked.
 */
export function closestNames(name: string, candidates: readonly string[]): string[] {
  const n = normalise(name);
  return candidates
    .map((c, i) => {
      const cn = normalise(c);
      return { c, i, d: editDistance(n, cn, Math.max(n.length, cn.length)) };
    })
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .map((x) => x.c);
}

/** Characters of a normalised name that the deletion index covers. */
const INDEXED_PREFIX = 8;
/** Index entries looked at for one word, at most (after that the best so far is the answer). */
const VISIT_LIMIT = 64;

/** Every string made by deleting at most 2 characters of `s` (with repeats), fewest deletions first. */
function deletions(s: string): string[] {
  const one: string[] = [];
  for (let i = 0; i < s.length; i++) one.push(s.slice(0, i) + s.slice(i + 1));
  const two: string[] = [];
  for (const t of one) for (let i = 0; i < t.length; i++) two.push(t.slice(0, i) + t.slice(i + 1));
  return [s, ...one, ...two];
}

/**
 * "Did you mean …?" over a set of candidates as large as the input (the hosts of a cluster file): built
 * once, each word then costs a bounded number of steps, so N unknown references among N hosts are linear,
 * not N². The same answers as closestName (without aliases), except that for one word at most VISIT_LIMIT
 * index entries are looked at: among thousands of near-identical names the suggestion is the best of
 * those, which may not be the very closest.
 *
 * How: symmetric deletion (as SymSpell): two names within 2 edits share a string made by deleting at
 * most 2 characters from the first INDEXED_PREFIX characters of each; each candidate is filed under those
 * strings (at most 37), a word looks up its own and verifies what it finds with the banded distance.
 */
export class NameIndex {
  private readonly names: string[] = [];
  private readonly norms: string[] = [];
  private deletes: Map<string, number[]> | undefined;
  private prefixes: Map<string, number[]> | undefined;

  constructor(candidates: Iterable<string>) {
    for (const c of candidates) {
      this.names.push(c);
      this.norms.push(normalise(c));
    }
  }

  closest(word: string): string | undefined {
    const norm = normalise(word);
    const best = new BestMatch(norm, capFor(norm));
    const deletes = this.deletionIndex();
    const seen = new Set<number>();
    let visits = 0;
    for (const key of deletions(norm.slice(0, INDEXED_PREFIX))) {
      nameSearchWork.steps++;
      const list = deletes.get(key);
      if (!list) continue;
      for (const i of list) {
        if (++visits > VISIT_LIMIT) break;
        nameSearchWork.steps++;
        if (seen.has(i)) continue;
        seen.add(i);
        best.offer(this.names[i], this.norms[i]);
      }
      if (visits > VISIT_LIMIT) break;
    }
    let found = best.name;
    if (found === undefined && norm.length >= 5) found = this.onlyCompletion(norm);
    return found === word ? undefined : found;
  }

  /** The one candidate that starts with `norm` (≥ 5 characters), if it is the only one among those looked at. */
  private onlyCompletion(norm: string): string | undefined {
    if (!this.prefixes) {
      this.prefixes = new Map();
      this.norms.forEach((n, i) => {
        if (n.length < 5) return;
        nameSearchWork.steps++;
        const k = n.slice(0, 5);
        const list = this.prefixes?.get(k);
        if (list) list.push(i);
        else this.prefixes?.set(k, [i]);
      });
    }
    const list = this.prefixes.get(norm.slice(0, 5)) ?? [];
    let only: number | undefined;
    for (let v = 0; v < list.length; v++) {
      if (v >= VISIT_LIMIT) return undefined; // uniqueness not established within the budget
      nameSearchWork.steps++;
      const i = list[v];
      if (!this.norms[i].startsWith(norm)) continue;
      if (only !== undefined) return undefined;
      only = i;
    }
    return only === undefined ? undefined : this.names[only];
  }

  private deletionIndex(): Map<string, number[]> {
    if (this.deletes) return this.deletes;
    const index = new Map<string, number[]>();
    this.norms.forEach((n, i) => {
      for (const key of new Set(deletions(n.slice(0, INDEXED_PREFIX)))) {
        nameSearchWork.steps++;
        const list = index.get(key);
        if (list) list.push(i);
        else index.set(key, [i]);
      }
    });
    this.deletes = index;
    return index;
  }
}
