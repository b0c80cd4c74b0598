/**
 * The keyword table as the validator and the editor services use it: the keywords of each block
 * (./keywordTable.ts) with their value specs, docs and old spellings (./keywordSpecs.ts).
 */

import { KEYWORD_BLOCKS } from './keywordTable';
import { KEYWORD_SPECS } from './keywordSpecs';
import type { KeywordSpec } from './keywordSpecs';

/** The keepalived release the diagnostics target (Debian 12). */
export const TARGET_VERSION = '2.2.7';

/** The oldest release the table was built from: a keyword "since" it may be older. */
export const OLDEST_CHECKED_VERSION = '1.3.0';

export type ChildKind = { kind: 'keywords'; block: string } | { kind: 'values' } | { kind: 'none' };

export interface Keyword extends KeywordSpec {
  name: string;
  /** The block id it belongs to. */
  block: string;
  since: string;
  child: ChildKind;
}

const cache = new Map<string, ReadonlyMap<string, Keyword>>();

export function blockKeywords(block: string): ReadonlyMap<string, Keyword> {
  const known = cache.get(block);
  if (known) return known;
  const map = new Map<string, Keyword>();
  for (const [name, since, child] of KEYWORD_BLOCKS[block] ?? []) {
    const spec = KEYWORD_SPECS[`${block}.${name}`] ?? KEYWORD_SPECS[`*.${name}`] ?? {};
    const kind: ChildKind = child === undefined ? { kind: 'none' } : child === 'values' ? { kind: 'values' } : { kind: 'keywords', block: child };
    map.set(name, { ...spec, name, block, since, child: kind });
  }
  cache.set(block, map);
  return map;
}

export function isKeywordBlock(block: string): boolean {
  return Object.hasOwn(KEYWORD_BLOCKS, block);
}

/** Blocks (ids) other than `except` where `name` is a keyword. */
export function blocksWithKeyword(name: string, except: string): string[] {
  return Object.keys(KEYWORD_BLOCKS).filter((b) => b !== except && blockKeywords(b).has(name));
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** "keepalived 2.1.0", or "keepalived 1.3.0 or older" for the oldest release checked. */
export function sinceText(since: string): string {
  return since === OLDEST_CHECKED_VERSION ? `keepalived ${since} or older` : `keepalived ${since}`;
}
