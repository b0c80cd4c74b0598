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
import type {
  ForwardingMethod, IpvsRealServer, IpvsService, IpvsTable, Protocol, SchedFlag, ServiceKey, TunnelChecksum,
} from './types';

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

const FWD: Readonly<Record<string, ForwardingMethod>> = { Route: 'dr', Masq: 'nat', Tunnel: 'tun', Local: 'dr' };
const CSUM: Readonly<Record<string, TunnelChecksum>> = { '-c': 'nocsum', '+c': 'csum', 'r+c': 'remcsum' };
const PROTO: Readonly<Record<string, Protocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

function lineRange(line: number, length: number): Range {
  return { start: { line, character: 0 }, end: { line, character: length } };
}

function num(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
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
  if (!method || weight < 0 || activeConn < 0 || inactConn < 0) return false;
  const { address, port } = scannedEndpoint;
  const rs: IpvsRealServer = { address, port, family: 'inet', method, weight, upperThreshold: 0, lowerThreshold: 0 };
  if (method === 'tun') rs.tunnel = { type: 'ipip' };
  svc.realServers.push(rs);
  cols.realServers.push({ address, port, activeConn, inactConn });
  return true;
}

export function parseIpvsListing(text: string): IpvsListing {
  const out: IpvsListing = {
    columns: 'default',
    known: { method: true, weight: true, thresholds: false, tunnel: false },
    table: { services: [] },
    counters: [],
    diagnostics: [],
  };
  let current: { svc: IpvsService; cols: ListedServiceColumns; protocol: Protocol } | undefined;
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
    if (current && out.columns === 'default' && b[start + 3] === 62 && text.startsWith('  -> ', start) && readPlainRealServer(text, b, start, e, current.svc, current.cols)) continue;
    const line = text.slice(start, e);
    if (line.trim() === '') continue;
    const words = line.trim().split(/\s+/);
    if (line.startsWith('IP Virtual Server version')) {
      const m = /version (\S+) \(size=(\d+)\)/.exec(line);
      if (m) { out.version = m[1]; out.size = Number(m[2]); }
      continue;
    }
    if (line.startsWith('Prot ')) {
      if (line.includes('Uthreshold')) { out.columns = 'thresholds'; out.known = { method: false, weight: false, thresholds: true, tunnel: false }; }
      else if (line.includes('PersistConn')) { out.columns = 'persistent-conn'; out.known = { method: false, weight: true, thresholds: false, tunnel: false }; }
      continue;
    }
    if (line.startsWith('  -> ')) {
      if (words[1] === 'RemoteAddress:Port') {
        if (line.includes('TunnelInfo')) { out.columns = 'tun-info'; out.known.tunnel = true; }
        continue;
      }
      if (!current) { problem(i, 'Real server line before any service.'); continue; }
      const ep = endpoint(i, words[1], current.protocol);
      if (!ep) continue;
      const rs: IpvsRealServer = { address: ep.address, port: ep.port, family: ep.family, method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 };
      const cols: ListedRealServerColumns = { address: ep.address, port: ep.port, activeConn: 0, inactConn: 0 };
      let nums: (number | undefined)[];
      if (out.columns === 'thresholds') {
        nums = words.slice(2, 6).map(num);
        [rs.upperThreshold, rs.lowerThreshold, cols.activeConn, cols.inactConn] = nums.map((n) => n ?? 0);
      } else if (out.columns === 'persistent-conn') {
        nums = words.slice(2, 6).map(num);
        [rs.weight, cols.persistConn, cols.activeConn, cols.inactConn] = nums.map((n) => n ?? 0);
      } else {
        const method = FWD[words[2]];
        if (!method) { problem(i, `Unknown forwarding method '${words[2]}'.`); continue; }
        rs.method = method;
        let k = 3;
        if (out.columns === 'tun-info') {
          const info = words[3];
          if (method === 'tun' && info !== 'n/a') {
            const [type, a, b] = info.split(':');
            if (type === 'ipip') rs.tunnel = { type: 'ipip' };
            else if (type === 'gue') rs.tunnel = { type: 'gue', port: Number(a), checksum: CSUM[b] ?? 'nocsum' };
            else if (type === 'gre') rs.tunnel = { type: 'gre', checksum: CSUM[a] ?? 'nocsum' };
            else problem(i, `Unknown tunnel information '${info}'.`);
          }
          k = 4;
        } else if (method === 'tun') {
          rs.tunnel = { type: 'ipip' };
        }
        nums = words.slice(k, k + 3).map(num);
        [rs.weight, cols.activeConn, cols.inactConn] = nums.map((n) => n ?? 0);
      }
      if (nums.some((n) => n === undefined) || nums.length < 3) problem(i, 'Missing or non-numeric column.');
      current.svc.realServers.push(rs);
      current.cols.realServers.push(cols);
      continue;
    }
    // A service line.
    let key: ServiceKey | undefined;
    let protocol: Protocol = 'tcp';
    let k: number;
    if (words[0] === 'FWM') {
      const mark = num(words[1]);
      if (mark === undefined) { problem(i, `Unreadable firewall mark '${words[1]}'.`); continue; }
      const v6 = words[2] === 'IPv6';
      key = { kind: 'fwmark', fwmark: mark, family: v6 ? 'inet6' : 'inet' };
      k = v6 ? 3 : 2;
    } else if (PROTO[words[0]]) {
      protocol = PROTO[words[0]];
      const ep = endpoint(i, words[1] ?? '', protocol);
      if (!ep) continue;
      key = { kind: 'addr', protocol, address: ep.address, port: ep.port, family: ep.family };
      k = 2;
    } else {
      problem(i, `Unrecognised line: '${line.trim()}'.`);
      continue;
    }
    const sched = words[k++];
    if (!sched || !isScheduler(sched)) { problem(i, `Unknown scheduler '${sched ?? ''}'.`); continue; }
    const svc: IpvsService = { key, scheduler: sched, schedFlags: [], onePacket: false, realServers: [] };
    let flags: SchedFlag[] = [];
    while (k < words.length) {
      const w = words[k++];
      if (w.startsWith('(') && w.endsWith(')')) {
        flags = w.slice(1, -1).split(',').filter(isSchedFlag);
      } else if (w === 'persistent') {
        svc.persistence = { timeout: num(words[k++]) ?? 0, netmask: key.family === 'inet6' ? '128' : '255.255.255.255' };
      } else if (w === 'mask' && svc.persistence) {
        svc.persistence.netmask = words[k++] ?? svc.persistence.netmask;
      } else if (w === 'pe') {
        if (words[k++] === 'sip') svc.pe = 'sip';
      } else if (w === 'ops') {
        svc.onePacket = true;
      } else {
        problem(i, `Unknown service flag '${w}'.`, 'warning');
      }
    }
    svc.schedFlags = canonicalSchedFlags(sched, flags);
    const cols: ListedServiceColumns = { key, realServers: [] };
    out.table.services.push(svc);
    out.counters.push(cols);
    current = { svc, cols, protocol };
  }
  return out;
}
