/**
 * Finds a real server (address, port, family) in another list of the same service: the listings of one
 * reading, or the live and the desired table, usually hold the same servers in the same order, so the
 * same position is tried first; then a scan of a small list, or a Map built once for a large one. No key
 * strings in the common case.
 */
import type { AddressFamily } from './types';
import { realServerKeyString } from './types';

export interface Endpoint {
  address: string;
  port: number;
  family: AddressFamily;
}

/** Lists up to this long are scanned; longer ones get a Map on the first miss. */
const SCAN_LIMIT = 16;

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address && a.family === b.family;
}

export class EndpointLookup {
  private byKey: Map<string, number> | undefined;

  constructor(private readonly list: readonly Endpoint[]) {}

  /** Index in the list of the server `e`, or -1; `hint` is the position tried first. */
  indexOf(e: Endpoint, hint: number): number {
    const list = this.list;
    if (hint >= 0 && hint < list.length && sameEndpoint(list[hint], e)) return hint;
    if (list.length <= SCAN_LIMIT) {
      for (let j = 0; j < list.length; j++) if (sameEndpoint(list[j], e)) return j;
      return -1;
    }
    if (!this.byKey) {
      this.byKey = new Map();
      // The first of duplicates wins, as a scan would find it.
      for (let j = list.length - 1; j >= 0; j--) this.byKey.set(realServerKeyString(list[j]), j);
    }
    return this.byKey.get(realServerKeyString(e)) ?? -1;
  }
}
