/**
 * The order in which ipvsadm lists services and real servers (`-S`, `-L` without `--nosort`).
 *
 * ipvsadm sorts with libipvs's `ipvs_cmp_services` / `ipvs_cmp_dests` through glibc's `qsort` (a
 * top-down merge sort in glibc ≤ 2.36, Debian 12). The comparators subtract unsigned 32-bit values
 * and return the difference as a C `int`, so the difference wraps: 10.0.0.1 sorts *after*
 * 192.168.0.1 (0x0A000001 − 0xC0A80001 wraps to a positive int). The order is then not even a total
 * order (10.x < 100.x < 192.x < 10.x), and ipvsadm's output for such tables depends on the kernel's
 * hash-table order. What we can reproduce, and do:
 *
 *  - the comparators exactly, including the wrap-around — with one deliberate difference: libipvs's
 *    `ipvs_cmp_dests` compares as many address words as the FIRST server's family has, so for some
 *    TUN real servers of both families in one service it contradicts itself (a > b and b > a), and a
 *    rendered list swapped two lines on every render. For such a pair (and only then) the family
 *    decides, IPv4 first; a pair libipvs orders consistently keeps libipvs's order, so real `ipvsadm -S`
 *    output with both families still round-trips byte for byte. The comparator is then antisymmetric,
 *    which is what makes every merge-sort output pass the "already in order" check below:
 *    render(parse(render(x))) is render(x);
 *  - glibc's merge sort exactly (same split, same `<= 0` tie rule);
 *  - a list already in "ipvsadm order" (every adjacent pair compares `<= 0`, which every merge-sort
 *    output satisfies) is kept as it is, so real `ipvsadm -S` output round-trips byte for byte and
 *    rendering is idempotent; any other list is merge-sorted from its given order.
 */

import { parseIPv4, parseIPv6 } from './address';
import type { AddressFamily, IpvsRealServer, IpvsService, IpvsTable } from './types';

const AF_INET = 2;
const AF_INET6 = 10;
const PROTO = { tcp: 6, udp: 17, sctp: 132 } as const;

/** The address as 4 host-order 32-bit words (IPv4 in the first word, as in `union nf_inet_addr`). */
function addressWords(address: string, family: AddressFamily): number[] {
  if (family === 'inet') {
    const v4 = parseIPv4(address);
    if (!v4) return [0, 0, 0, 0]; // a host name: no order known, compares equal
    return [((v4[0] << 24) | (v4[1] << 16) | (v4[2] << 8) | v4[3]) >>> 0, 0, 0, 0];
  }
  const g = parseIPv6(address);
  if (!g) return [0, 0, 0, 0];
  return [0, 2, 4, 6].map((i) => ((g[i] << 16) | g[i + 1]) >>> 0);
}

/** `(int)(a - b)` for two uint32 values. */
function wrapDiff(a: number, b: number): number {
  return (a - b) | 0;
}

interface ServiceSortKey {
  fwmark: number;
  af: number;
  protocol: number;
  words: number[];
  port: number;
}

function serviceSortKey(s: IpvsService): ServiceSortKey {
  const k = s.key;
  if (k.kind === 'fwmark') {
    // ipvsadm sends fwmark services as TCP with a zero address.
    return { fwmark: k.fwmark >>> 0, af: k.family === 'inet6' ? AF_INET6 : AF_INET, protocol: PROTO.tcp, words: [0, 0, 0, 0], port: 0 };
  }
  return {
    fwmark: 0,
    af: k.family === 'inet6' ? AF_INET6 : AF_INET,
    protocol: PROTO[k.protocol],
    words: addressWords(k.address, k.family),
    port: k.port,
  };
}

/** libipvs `ipvs_cmp_services`, with C integer semantics. */
function compareServiceKeys(a: ServiceSortKey, b: ServiceSortKey): number {
  let r = wrapDiff(a.fwmark, b.fwmark);
  if (r !== 0) return r;
  r = a.af - b.af;
  if (r !== 0) return r;
  r = a.protocol - b.protocol;
  if (r !== 0) return r;
  if (a.af === AF_INET6) {
    for (let i = 0; r === 0 && i < 4; i++) r = wrapDiff(a.words[i], b.words[i]);
  } else {
    r = wrapDiff(a.words[0], b.words[0]);
  }
  if (r !== 0) return r;
  return a.port - b.port;
}

interface DestSortKey {
  af: number;
  words: number[];
  port: number;
}

function destSortKey(d: Pick<IpvsRealServer, 'address' | 'port' | 'family'>): DestSortKey {
  return { af: d.family === 'inet6' ? AF_INET6 : AF_INET, words: addressWords(d.address, d.family), port: d.port };
}

/** libipvs `ipvs_cmp_dests`: only the first argument's family decides how many words are compared. */
function libipvsCompareDests(a: DestSortKey, b: DestSortKey): number {
  let r = 0;
  if (a.af === AF_INET6) {
    for (let i = 0; r === 0 && i < 4; i++) r = wrapDiff(a.words[i], b.words[i]);
  } else {
    r = wrapDiff(a.words[0], b.words[0]);
  }
  if (r !== 0) return r;
  return a.port - b.port;
}

/** libipvs's order, except across families where it contradicts itself: then IPv4 first (see the header). */
function compareDestKeys(a: DestSortKey, b: DestSortKey): number {
  const r = libipvsCompareDests(a, b);
  if (a.af === b.af) return r;
  const back = libipvsCompareDests(b, a);
  return Math.sign(r) === -Math.sign(back) && r !== 0 ? r : a.af - b.af;
}

export function compareServices(a: IpvsService, b: IpvsService): number {
  return compareServiceKeys(serviceSortKey(a), serviceSortKey(b));
}

export function compareRealServers(a: Pick<IpvsRealServer, 'address' | 'port' | 'family'>, b: Pick<IpvsRealServer, 'address' | 'port' | 'family'>): number {
  return compareDestKeys(destSortKey(a), destSortKey(b));
}

/** glibc `msort_with_tmp`: n1 = n/2 on the left, merge taking the left element while cmp <= 0. */
export function glibcMergeSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const a = items.slice();
  const tmp = new Array<T>(a.length);
  const sort = (lo: number, n: number): void => {
    if (n <= 1) return;
    const n1 = n >> 1;
    const n2 = n - n1;
    sort(lo, n1);
    sort(lo + n1, n2);
    let i = lo;
    let j = lo + n1;
    const iEnd = lo + n1;
    const jEnd = lo + n;
    let k = 0;
    while (i < iEnd && j < jEnd) tmp[k++] = cmp(a[i], a[j]) <= 0 ? a[i++] : a[j++];
    while (i < iEnd) tmp[k++] = a[i++];
    // the rest of the right run is already in place
    for (let t = 0; t < k; t++) a[lo + t] = tmp[t];
  };
  sort(0, a.length);
  return a;
}

/** ipvsadm's order: kept if already in it (every adjacent pair <= 0), else glibc merge sort. */
function ipvsadmOrder<T, K>(items: readonly T[], keyOf: (t: T) => K, cmp: (a: K, b: K) => number): T[] {
  if (items.length < 2) return items.slice();
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  let sorted = true;
  for (let i = 1; i < keyed.length && sorted; i++) if (cmp(keyed[i - 1].key, keyed[i].key) > 0) sorted = false;
  if (sorted) return items.slice();
  return glibcMergeSort(keyed, (x, y) => cmp(x.key, y.key)).map((x) => x.item);
}

export function sortServices(services: readonly IpvsService[]): IpvsService[] {
  return ipvsadmOrder(services, serviceSortKey, compareServiceKeys);
}

export function sortRealServers<T extends Pick<IpvsRealServer, 'address' | 'port' | 'family'>>(servers: readonly T[]): T[] {
  return ipvsadmOrder(servers, destSortKey, compareDestKeys);
}

/** The table in the order `ipvsadm -S` lists it: services sorted, each service's real servers sorted. */
export function sortTable(table: IpvsTable): IpvsTable {
  return { services: sortServices(table.services).map((s) => ({ ...s, realServers: sortRealServers(s.realServers) })) };
}
