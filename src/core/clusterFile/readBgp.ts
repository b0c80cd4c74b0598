/**
 * Reads `bgp:` of an active-active cluster: the directors' AS, the peers (the upstream routers), the session
 * timers, BFD and the VIPs to announce. Cross-item rules (peers on the directors' links, announced addresses
 * that are VIPs of the cluster) are in semanticChecks.
 */

import { isScalar } from 'yaml';
import type { ParsedAddress } from '../ipvs/address';
import { itemEntry, spanOf, type Entry, type EntryReader } from './entryReader';
import type { Span } from './quickFixes';
import type { BgpPeerSpec, BgpSpec } from './types';

/** 4-byte AS numbers (RFC 6793); 0 is reserved (RFC 7607). */
export const AS_MIN = 1;
export const AS_MAX = 4294967295;
/** AS_TRANS (RFC 6793): the placeholder 2-byte speakers see for a 4-byte AS; never a real AS. */
export const AS_TRANS = 23456;
/** RFC 4271: a hold time is 0 (no keepalives, which BIRD and lvsctl refuse) or at least 3 seconds. */
export const HOLD_MIN = 3;
export const HOLD_MAX = 65535;
export const DEFAULT_HOLD_TIME = 90;

export interface ParsedBgpPeer {
  spec: BgpPeerSpec;
  address: Span;
}

export interface ParsedBgp {
  spec: BgpSpec;
  keySpan: Span;
  peers: ParsedBgpPeer[];
  /** `announce` items as written (their value spans), for the "is a VIP of the cluster" check. */
  announce?: { address: string; span: Span }[];
}

export function readBgp(r: EntryReader, entry: Entry): ParsedBgp | undefined {
  const map = r.mapping(entry);
  if (!map) return undefined;
  const e = r.entries(map, 'bgp');
  const asEntry = e.get('localAs');
  if (!asEntry) r.missing(map, 'bgp', 'localAs', ' (the AS number the directors announce the VIPs from, e.g. a private one 64512..65534)');
  const localAs = readAs(r, asEntry, 'The local AS number');
  const peers: ParsedBgpPeer[] = [];
  const peersEntry = e.get('peers');
  if (!peersEntry) r.missing(map, 'bgp', 'peers', ' (the routers the directors announce the VIPs to: address and AS)');
  else {
    const items = r.itemMaps(peersEntry, 'bgpPeer');
    if (items.length === 0 && (r.list(peersEntry)?.length ?? 0) === 0) {
      r.sink.report('LVS005', peersEntry.keySpan, 'BGP needs at least one peer (the router that spreads the flows over the directors).');
    }
    const seen = new Set<string>();
    for (const item of items) {
      const pe = r.entries(item, 'bgpPeer');
      const addrEntry = pe.get('address');
      if (!addrEntry) r.missing(item, 'bgpPeer', 'address', ' (the router\'s address on the directors\' link)');
      const address = readAddress(r, addrEntry);
      const peerAsEntry = pe.get('as');
      if (!peerAsEntry) r.missing(item, 'bgpPeer', 'as', ' (the router\'s AS number)');
      const as = readAs(r, peerAsEntry, 'The peer\'s AS number');
      const multihop = r.ranged(pe.get('multihop'), 1, 255, 'LVS016', 'The multihop TTL');
      if (address === undefined || as === undefined || !addrEntry) continue;
      if (seen.has(address.text)) {
        r.sink.report('LVS023', addrEntry.valueSpan, `BGP peer ${address.text} is listed twice. Only the first one counts.`);
        continue;
      }
      seen.add(address.text);
      const spec: BgpPeerSpec = { address: address.text, family: address.family, as };
      if (multihop !== undefined) spec.multihop = multihop;
      peers.push({ spec, address: addrEntry.valueSpan });
    }
  }
  const holdEntry = e.get('holdTime');
  const hold = r.ranged(holdEntry, HOLD_MIN, HOLD_MAX, 'LVS016', 'The BGP hold time (seconds)') ?? DEFAULT_HOLD_TIME;
  const keepaliveEntry = e.get('keepaliveTime');
  let keepalive = r.ranged(keepaliveEntry, 1, HOLD_MAX, 'LVS016', 'The BGP keepalive time (seconds)');
  if (keepalive !== undefined && keepaliveEntry && keepalive >= hold) {
    r.sink.report('LVS037', keepaliveEntry.valueSpan,
      `The keepalive time (${keepalive} s) must be shorter than the hold time (${hold} s), usually a third of it: otherwise the peer drops the session between two keepalives.`);
    keepalive = undefined;
  }
  const bfd = r.boolean(e.get('bfd')) ?? false;
  const announceEntry = e.get('announce');
  let announce: { address: string; span: Span }[] | undefined;
  if (announceEntry) {
    announce = [];
    for (const node of r.list(announceEntry) ?? []) {
      const a = readAddress(r, itemEntry('announce', node, node));
      if (a === undefined) continue;
      const span = spanOf(node);
      if (announce.some((x) => x.address === a.text)) {
        r.sink.report('LVS023', span, `${a.text} is announced twice. Only the first one counts.`);
        continue;
      }
      announce.push({ address: a.text, span });
    }
  }
  if (localAs === undefined) return undefined;
  const spec: BgpSpec = {
    localAs, peers: peers.map((p) => p.spec), holdTime: hold, keepaliveTime: keepalive ?? Math.max(1, Math.floor(hold / 3)),
    bfd, announce: announce?.map((a) => a.address) ?? [],
  };
  const parsed: ParsedBgp = { spec, keySpan: entry.keySpan, peers };
  if (announce) parsed.announce = announce;
  return parsed;
}

function readAs(r: EntryReader, e: Entry | undefined, what: string): number | undefined {
  if (!e) return undefined;
  const v = e.value;
  if (v === null || !isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) {
    return r.wrongType(e, 'an AS number (a whole number, 1..4294967295; asdot like 1.10 is written as 65546)');
  }
  const n = v.value;
  if (n < AS_MIN || n > AS_MAX) {
    r.sink.report('LVS050', e.valueSpan, `${what} must be between ${AS_MIN} and ${AS_MAX} (4-byte AS numbers, RFC 6793); found ${n}.`);
    return undefined;
  }
  if (n === AS_TRANS) {
    r.sink.report('LVS050', e.valueSpan, `AS ${AS_TRANS} is AS_TRANS (RFC 6793), the stand-in old BGP speakers see for a 4-byte AS; it is never a real AS. Use your own AS, or a private one (64512..65534, 4200000000..4294967294).`);
    return undefined;
  }
  return n;
}

function readAddress(r: EntryReader, e: Entry | undefined): ParsedAddress | undefined {
  const text = r.string(e);
  if (text === undefined || !e) return undefined;
  const a = r.address(text);
  if (!a) r.sink.report('LVS010', e.valueSpan, `"${text}" is not an IPv4 or IPv6 address${text.includes('/') ? ' (write the address without a prefix length)' : ''}.`);
  return a;
}
