/**
 * OpenSSH host patterns (`match.c`): `*` matches any run of characters, `?` exactly one; a pattern prefixed
 * with `!` negates. A list matches when at least one positive pattern matches and no negated one does.
 * Host names compare case-insensitively, as OpenSSH lowercases both sides.
 */

export function matchPattern(text: string, pattern: string): boolean {
  const t = text.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob with backtracking to the last `*`: linear-ish, no regex built from user text.
  let ti = 0;
  let pi = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] === '*') { starP = pi++; starT = ti; continue; }
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) { ti++; pi++; continue; }
    if (starP >= 0) { pi = starP + 1; ti = ++starT; continue; }
    return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** `true` when `name` is matched by the list (already split), `false` when not or when a `!` pattern matches. */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (matchPattern(name, pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The name under which OpenSSH files a host's key: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}
