/**
 * Reads `vrrp:` of a keepalived cluster: virtual router id, advert interval, preemption, multicast, strict mode.
 * There is no password key on purpose, and the reader says why when one is written.
 */

import { isScalar, type YAMLMap } from 'yaml';
import { spanOf, type Entry, type EntryReader, type YNode } from './entryReader';
import { removeFix, type Span } from './quickFixes';
import { readSeconds } from './readHealthCheck';
import type { VrrpSpec } from './types';

/** Key names that would carry VRRP authentication. */
const AUTH_KEY = /auth|pass|secret|key/i;

export interface ParsedVrrp {
  spec: VrrpSpec;
  virtualRouterId: Span;
  /** `strict: true` without `accept: true`, for the LVS046 warning. */
  strictWithoutAccept?: Span;
}

export function readVrrp(r: EntryReader, entry: Entry): ParsedVrrp | undefined {
  const map = r.mapping(entry);
  if (!map) return undefined;
  reportAuthentication(r, map);
  const e = r.entries(map, 'vrrp', (key) => AUTH_KEY.test(key));
  const idEntry = e.get('virtualRouterId');
  if (!idEntry) r.missing(map, 'vrrp', 'virtualRouterId', ' (1..255, the same on every director of the cluster, unique on the link)');
  const id = r.ranged(idEntry, 1, 255, 'LVS016', 'A VRRP virtual router id');
  // VRRPv3 counts the advert interval in centiseconds, 12 bits: 0.01 .. 40.95 s.
  const advert = readSeconds(r, e.get('advertInterval'), 0.01, 40.95, 'The VRRP advert interval');
  const preempt = r.boolean(e.get('preempt')) ?? true;
  const delayEntry = e.get('preemptDelay');
  const preemptDelay = readSeconds(r, delayEntry, 0, 1000, 'The preempt delay');
  if (preemptDelay !== undefined && !preempt && delayEntry) {
    r.sink.report('LVS037', delayEntry.keySpan, '"preemptDelay" only applies with "preempt: true"; without preemption a director never takes the VIPs back.',
      [removeFix('Remove "preemptDelay"', r.text, r.sink.lines, delayEntry.pairSpan)]);
  }
  const multicast = r.boolean(e.get('multicast')) ?? false;
  const strictEntry = e.get('strict');
  const strict = r.boolean(strictEntry) ?? false;
  const accept = r.boolean(e.get('accept')) ?? false;
  const syncConnections = r.boolean(e.get('syncConnections')) ?? false;
  if (strict && !multicast && strictEntry) {
    r.sink.report('LVS037', strictEntry.keySpan, 'keepalived\'s strict mode (vrrp_strict) forbids unicast peers: set "multicast: true" or leave strict out.');
  }
  if (id === undefined) return undefined;
  const spec: VrrpSpec = { virtualRouterId: id, advertInterval: advert ?? 1, preempt, multicast, strict, accept, syncConnections };
  if (preemptDelay !== undefined && preempt) spec.preemptDelay = preemptDelay;
  const parsed: ParsedVrrp = { spec, virtualRouterId: (idEntry as Entry).valueSpan };
  if (strict && !accept && strictEntry) parsed.strictWithoutAccept = strictEntry.keySpan;
  return parsed;
}

function reportAuthentication(r: EntryReader, map: YAMLMap.Parsed): void {
  for (const pair of map.items) {
    const k = pair.key as YNode | null;
    if (!k || !isScalar(k) || typeof k.value !== 'string' || !AUTH_KEY.test(k.value)) continue;
    const keySpan = spanOf(k);
    const end = pair.value ? (pair.value as YNode).range[1] : keySpan[1];
    r.sink.report('LVS008', keySpan,
      `"${k.value}": VRRP takes no password here. VRRPv3 (what lvsctl renders) dropped authentication (RFC 5798), VRRPv2's was a clear-text 8-byte string anyone on the link can read, and secrets never go in the cluster file. Protect the link instead (a dedicated VLAN, or nftables accepting VRRP only from the directors).`,
      [removeFix(`Remove "${k.value}"`, r.text, r.sink.lines, [keySpan[0], end])]);
  }
}
