/**
 * Parses `ipvsadm -L[n]` listings — default columns, `--thresholds`, `--persistent-conn`, `--tun-info`;
 * TCP/UDP/SCTP, firewall-mark and IPv6 services; Route/Masq/Tunnel/Local; `persistent 300 mask …`,
 * `pe sip`, `ops`, scheduler flags in parentheses — into the IpvsTable model plus the columns the model
 * has no place for (ActiveConn, InActConn, PersistConn), in a parallel structure.
 *
 * A listing does not show everything: the default columns have no thresholds (they are 0 in the
 * table), `--thresholds` and `--persistent-conn` have no forwarding method (`dr`) and `--thresholds`
 * no weight (1). `known` says which fields the listing really showed.
 */

import type { Diagnostic, Range } from '../diagnostics';
import { listingBytes, scanIPv4Endpoint, scannedEndpoint } from './endpointScan';
import type { ListedEndpoint } from './listingAddress';
import { parseListedEndpoint } from './listingAddress';
import { canonicalSchedFlags, isSchedFlag, isScheduler } from './schedulers';
import { ipv4NetmaskPrefix, parseIPv4 } from './address';
import { CHECKSUMS, decimalIn, METHODS, PROTOCOLS, U16_MAX, U32_MAX, versionLine } from './listingValues';
import type { ForwardingMethod, IpvsRealServer, IpvsService, IpvsTable, Protocol, SchedFlag, ServiceKey } from './types';

export type ListingColumns = 'default' | 'thresholds' | 'persistent-conn' | 'tun-info';

export interface ListedRealServerColumns {
  address: string;
  port: number;
  activeConn: number;
  inactConn: number;
  persistConn?: number;
}

export interface ListedServiceColumns {
  key: ServiceKey;
  /** Parallel to the service's realServers. */
  realServers: ListedRealServerColumns[];
}

export interface IpvsListing {
  /** `1.2.1` from `IP Virtual Server version 1.2.1 (size=4096)`. */
  version?: string;
  /** Connection hash table size. */
  size?: number;
  columns: ListingColumns;
  known: { method: boolean; weight: boolean; thresholds: boolean; tunnel: boolean };
  table: IpvsTable;
  /** Parallel to table.services. */
  counters: ListedServiceColumns[];
  diagnostics: Diagnostic[];
}

function lineRange(line: number, length: number): Range {
  return { start: { line, character: 0 }, end: { line, character: length } };
}

/** Token boundaries of the line being read (start, end pairs), reused across lines. */
const tokenAt = new Int32Array(32);

/** Splits bytes[s, e) at blanks into tokenAt; returns the token count (at most 16). */
function tokenize(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  let i = s;
  while (i < e && n < 16) {
    while (i < e && (b[i] === 32 || b[i] === 9)) i++;
    if (i >= e) break;
    tokenAt[2 * n] = i;
    while (i < e && b[i] !== 32 && b[i] !== 9) i++;
    tokenAt[2 * n + 1] = i;
    n++;
  }
  return n;
}

/** Token k as a non-negative integer, or -1 when it is not all digits. */
function tokenNumber(b: Uint8Array, k: number): number {
  const s = tokenAt[2 * k];
  const e = tokenAt[2 * k + 1];
  if (e - s > 15) return -1;
  let x = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 48 || c > 57) return -1;
    x = x * 10 + (c - 48);
  }
  return x;
}

/** The forwarding method named by token k (`Route`, `Masq`, `Tunnel`, `Local`), read in place. */
function tokenMethod(text: string, b: Uint8Array, k: number): ForwardingMethod | undefined {
  const s = tokenAt[2 * k];
  const len = tokenAt[2 * k + 1] - s;
  switch (b[s]) {
    case 82: return len === 5 && text.startsWith('Route', s) ? 'dr' : undefined;
    case 77: return len === 4 && text.startsWith('Masq', s) ? 'nat' : undefined;
    case 84: return len === 6 && text.startsWith('Tunnel', s) ? 'tun' : undefined;
    case 76: return len === 5 && text.startsWith('Local', s) ? 'dr' : undefined;
    default: return undefined;
  }
}

/**
 * The common real-server line of the default columns, `  -> a.b.c.d:port  Route  1  0  0`, read in
 * place (no substrings, no regex): 10,000 of them per poll on a big director. Returns false for
 * anything else, which the general reader below then handles (and explains when it is wrong).
 */
function readPlainRealServer(text: string, b: Uint8Array, s: number, e: number, svc: IpvsService, cols: ListedServiceColumns): boolean {
  // tokens: `->`, endpoint, method, weight, ActiveConn, InActConn
  if (tokenize(b, s, e) !== 6 || !scanIPv4Endpoint(text, b, tokenAt[2], tokenAt[3])) return false;
  const method = tokenMethod(text, b, 2);
  const weight = tokenNumber(b, 3);
  const activeConn = tokenNumber(b, 4);
  const inactConn = tokenNumber(b, 5);
  if (!method || weight < 0 || weight > U16_MAX || activeConn < 0 || activeConn > U32_MAX || inactConn < 0 || inactConn > U32_MAX) return false;
  const { address, port } = scannedEndpoint;
  const rs: IpvsRealServer = { address, port, family: 'inet', method, weight, upperThreshold: 0, lowerThreshold: 0 };
  if (method === 'tun') rs.tunnel = { type: 'ipip' };
  svc.realServers.push(rs);
  cols.realServers.push({ address, port, activeConn, inactConn });
  return true;
}

/** The service being read, or `refused` after a service line that was an error (its rows go with it). */
type Current = { svc: IpvsService; cols: ListedServiceColumns; protocol: Protocol } | 'refused' | undefined;

/** Numbers of a real-server row: the columns after the address (and method, tunnel info), by listing kind. */
const ROW_NUMBERS: Readonly<Record<ListingColumns, readonly { name: string; max: number }[]>> = {
  default: [{ name: 'Weight', max: U16_MAX }, { name: 'ActiveConn', max: U32_MAX }, { name: 'InActConn', max: U32_MAX }],
  'tun-info': [{ name: 'Weight', max: U16_MAX }, { name: 'ActiveConn', max: U32_MAX }, { name: 'InActConn', max: U32_MAX }],
  thresholds: [{ name: 'Uthreshold', max: U32_MAX }, { name: 'Lthreshold', max: U32_MAX }, { name: 'ActiveConn', max: U32_MAX }, { name: 'InActConn', max: U32_MAX }],
  'persistent-conn': [{ name: 'Weight', max: U16_MAX }, { name: 'PersistConn', max: U32_MAX }, { name: 'ActiveConn', max: U32_MAX }, { name: 'InActConn', max: U32_MAX }],
};

export function parseIpvsListing(text: string): IpvsListing {
  const out: IpvsListing = {
    columns: 'default',
    known: { method: true, weight: true, thresholds: false, tunnel: false },
    table: { services: [] },
    counters: [],
    diagnostics: [],
  };
  let current: Current;
  let lineLength = 0;
  const problem = (i: number, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    out.diagnostics.push({ range: lineRange(i, lineLength), severity, code: 'IPVSLIST', message });
  };
  const endpoint = (i: number, t: string, protocol: Protocol): ListedEndpoint | undefined => {
    const ep = parseListedEndpoint(t, protocol);
    if (!ep) problem(i, `Unreadable address '${t}'.`);
    else if (ep.hostName) problem(i, `'${ep.address}' is a host name (listing without -n): kept as written.`, 'information');
    if (ep?.unknownPortName) problem(i, `Unknown port name '${ep.unknownPortName}' (not in the built-in /etc/services subset): port 0.`, 'warning');
    return ep;
  };
  const b = listingBytes(text); // read by position; substrings come from `text`
  let pos = 0;
  for (let i = 0; pos <= text.length; i++) {
    let end = b.indexOf(10, pos);
    if (end === -1) end = text.length;
    const start = pos;
    pos = end + 1;
    lineLength = end - start;
    let e = end;
    if (e > start && b[e - 1] === 13) e--;
    if (typeof current === 'object' && out.columns === 'default' && b[start + 3] === 62 && text.startsWith('  -> ', start) && readPlainRealServer(text, b, start, e, current.svc, current.cols)) continue;
    const line = text.slice(start, e);
    if (line.trim() === '') continue;
    const words = line.trim().split(/\s+/);
    if (line.startsWith('IP Virtual Server version')) {
      const v = versionLine(line);
      if (v) { out.version = v.version; out.size = v.size; } else problem(i, `Unreadable version line '${line.trim()}'.`);
      continue;
    }
    if (line.startsWith('Prot ')) {
      if (line.includes('Uthreshold')) { out.columns = 'thresholds'; out.known = { method: false, weight: false, thresholds: true, tunnel: false }; }
      else if (line.includes('PersistConn')) { out.columns = 'persistent-conn'; out.known = { method: false, weight: true, thresholds: false, tunnel: false }; }
      continue;
    }
    if (words[0] === '->') {
      if (words[1] === 'RemoteAddress:Port') {
        if (line.includes('TunnelInfo')) { out.columns = 'tun-info'; out.known.tunnel = true; }
        continue;
      }
      if (current === 'refused') continue;
      if (!current) { problem(i, 'Real server line before any service.'); continue; }
      const rs = realServerRow(i, words, current.protocol);
      if (!rs) continue;
      current.svc.realServers.push(rs.server);
      current.cols.realServers.push(rs.cols);
      continue;
    }
    current = serviceLine(i, words, line);
    if (typeof current === 'object') {
      out.table.services.push(current.svc);
      out.counters.push(current.cols);
    }
  }
  return out;

  function realServerRow(i: number, words: string[], protocol: Protocol): { server: IpvsRealServer; cols: ListedRealServerColumns } | undefined {
    if (words[1] === undefined) { problem(i, 'Real server line without an address.'); return undefined; }
    const ep = endpoint(i, words[1], protocol);
    if (!ep) return undefined;
    const rs: IpvsRealServer = { address: ep.address, port: ep.port, family: ep.family, method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 };
    let k = 2;
    if (out.columns === 'default' || out.columns === 'tun-info') {
      const method = words[2] === undefined ? undefined : METHODS.get(words[2]);
      if (!method) { problem(i, `Unknown forwarding method '${words[2] ?? ''}'.`); return undefined; }
      rs.method = method;
      k = 3;
      if (out.columns === 'tun-info') {
        const info = words[3];
        if (info === undefined) { problem(i, 'Missing TunnelInfo column.'); return undefined; }
        if (method === 'tun' && info !== 'n/a') {
          const tunnel = tunnelInfo(info);
          if (!tunnel) { problem(i, `Unknown tunnel information '${info}'.`); return undefined; }
          rs.tunnel = tunnel;
        }
        k = 4;
      } else if (method === 'tun') {
        rs.tunnel = { type: 'ipip' };
      }
    }
    const spec = ROW_NUMBERS[out.columns];
    if (words.length !== k + spec.length) { problem(i, `Expected ${k + spec.length} columns, found ${words.length}.`); return undefined; }
    const n: number[] = [];
    for (let j = 0; j < spec.length; j++) {
      const x = decimalIn(words[k + j], 0, spec[j].max);
      if (x === undefined) { problem(i, `${spec[j].name} '${words[k + j]}' is not a number in 0…${spec[j].max}.`); return undefined; }
      n.push(x);
    }
    const cols: ListedRealServerColumns = { address: ep.address, port: ep.port, activeConn: n[spec.length - 2], inactConn: n[spec.length - 1] };
    if (out.columns === 'thresholds') { rs.upperThreshold = n[0]; rs.lowerThreshold = n[1]; }
    else rs.weight = n[0];
    if (out.columns === 'persistent-conn') cols.persistConn = n[1];
    return { server: rs, cols };
  }

  function serviceLine(i: number, words: string[], line: string): Current {
    let key: ServiceKey | undefined;
    let protocol: Protocol = 'tcp';
    let k: number;
    const listedProtocol = PROTOCOLS.get(words[0]);
    if (words[0] === 'FWM') {
      const mark = decimalIn(words[1], 1, U32_MAX);
      if (mark === undefined) { problem(i, `Unreadable firewall mark '${words[1] ?? ''}': 1…${U32_MAX}.`); return 'refused'; }
      const v6 = words[2] === 'IPv6';
      key = { kind: 'fwmark', fwmark: mark, family: v6 ? 'inet6' : 'inet' };
      k = v6 ? 3 : 2;
    } else if (listedProtocol) {
      protocol = listedProtocol;
      const ep = endpoint(i, words[1] ?? '', protocol);
      if (!ep) return 'refused';
      key = { kind: 'addr', protocol, address: ep.address, port: ep.port, family: ep.family };
      k = 2;
    } else {
      problem(i, `Unrecognised line: '${line.trim()}'.`);
      return 'refused';
    }
    const sched = words[k++];
    if (!sched || !isScheduler(sched)) { problem(i, `Unknown scheduler '${sched ?? ''}'.`); return 'refused'; }
    const svc: IpvsService = { key, scheduler: sched, schedFlags: [], onePacket: false, realServers: [] };
    let flags: SchedFlag[] = [];
    while (k < words.length) {
      const w = words[k++];
      if (w.startsWith('(') && w.endsWith(')')) {
        flags = w.slice(1, -1).split(',').filter(isSchedFlag);
      } else if (w === 'persistent') {
        const timeout = decimalIn(words[k++], 1, U32_MAX);
        if (timeout === undefined) { problem(i, `Persistence timeout '${words[k - 1] ?? ''}' is not a number of seconds in 1…${U32_MAX}.`); return 'refused'; }
        svc.persistence = { timeout, netmask: key.family === 'inet6' ? '128' : '255.255.255.255' };
      } else if (w === 'mask' && svc.persistence) {
        const mask = persistenceMask(words[k++], key.family);
        if (mask === undefined) { problem(i, `Persistence mask '${words[k - 1] ?? ''}' is not ${key.family === 'inet6' ? 'a prefix length 1…128' : 'a dotted netmask'}.`); return 'refused'; }
        svc.persistence.netmask = mask;
      } else if (w === 'pe') {
        if (words[k++] !== 'sip') { problem(i, `Unknown persistence engine '${words[k - 1] ?? ''}' (the kernel has only sip).`); return 'refused'; }
        svc.pe = 'sip';
      } else if (w === 'ops') {
        svc.onePacket = true;
      } else {
        problem(i, `Unknown service flag '${w}'.`, 'warning');
      }
    }
    svc.schedFlags = canonicalSchedFlags(sched, flags);
    return { svc, cols: { key, realServers: [] }, protocol };
  }
}

/** `ipip`, `gue:6080:+c`, `gre:-c` as `--tun-info` prints them. */
function tunnelInfo(info: string): IpvsRealServer['tunnel'] | undefined {
  const parts = info.split(':');
  if (parts[0] === 'ipip' && parts.length === 1) return { type: 'ipip' };
  if (parts[0] === 'gue' && parts.length === 3) {
    const port = decimalIn(parts[1], 1, U16_MAX);
    const checksum = CHECKSUMS.get(parts[2]);
    return port !== undefined && checksum ? { type: 'gue', port, checksum } : undefined;
  }
  if (parts[0] === 'gre' && parts.length === 2) {
    const checksum = CHECKSUMS.get(parts[1]);
    return checksum ? { type: 'gre', checksum } : undefined;
  }
  return undefined;
}

/** `mask 255.255.255.0` (IPv4, contiguous) or `mask 64` (IPv6 prefix length), canonical; undefined otherwise. */
function persistenceMask(text: string | undefined, family: 'inet' | 'inet6'): string | undefined {
  if (text === undefined) return undefined;
  if (family === 'inet6') {
    const n = decimalIn(text, 1, 128);
    return n === undefined ? undefined : String(n);
  }
  const v4 = parseIPv4(text);
  return v4 && ipv4NetmaskPrefix(text) !== undefined ? v4.join('.') : undefined;
}
