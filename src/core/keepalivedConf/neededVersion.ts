/**
 * The oldest keepalived release that knows every keyword of a configuration: the highest "since" of the
 * keyword table (keywordTable.ts, from keepalived's sources) over the statements of the text, walked block
 * by block as keepalived reads them. Keywords the table does not know are left to the validator (KAL003);
 * included files are not followed.
 */
import { parseConf } from './confParser';
import type { ConfNode } from './confParser';
import { blockKeywords, compareVersions, OLDEST_CHECKED_VERSION } from './keywords';

export interface NeededVersion {
  /** Dotted release, e.g. `2.1.0`; OLDEST_CHECKED_VERSION when every keyword is that old. */
  version: string;
  /** A keyword that needs it (the first met), when newer than the oldest release checked. */
  keyword?: string;
}

export function neededVersion(text: string): NeededVersion {
  let best: NeededVersion = { version: OLDEST_CHECKED_VERSION };
  const walk = (nodes: readonly ConfNode[], block: string): void => {
    for (const node of nodes) {
      const kw = blockKeywords(block).get(node.keyword.text);
      if (!kw) continue;
      if (compareVersions(kw.since, best.version) > 0) best = { version: kw.since, keyword: node.keyword.text };
      if (node.block && kw.child.kind === 'keywords') walk(node.block.children, kw.child.block);
    }
  };
  walk(parseConf(text).nodes, 'root');
  return best;
}

/** The release in `keepalived --version` output (`Keepalived v2.2.7 (01/16,2022)`), or undefined. */
export function parseKeepalivedVersion(output: string): string | undefined {
  return /^Keepalived v(\d+\.\d+(?:\.\d+)?)\b/m.exec(output)?.[1];
}
