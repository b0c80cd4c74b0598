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

export function parseIpvsListing(text: string): IpvsListing {
  const out: IpvsListing = {
    columns: 'default',
    known: { method: true, weight: true, thresholds: false, tunnel: false },
    table: { services: [] },
    counters: [],
    diagnostics: [],
  };
  const lines = text.split('\n');
  let current: { svc: IpvsService; cols: ListedServiceColumns; protocol: Protocol } | undefined;
  const problem = (i: number, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    out.diagnostics.push({ range: lineRange(i, lines[i].length), severity, code: 'IPVSLIST', message });
  };
  const endpoint = (i: number, t: string, protocol: Protocol): ListedEndpoint | undefined => {
    const ep = parseListedEndpoint(t, protocol);
    if (!ep) problem(i, `Unreadable address '${t}'.`);
    else if (ep.hostName) problem(i, `'${ep.address}' is a host name (listing without -n): kept as written.`, 'information');
    if (ep?.unknownPortName) problem(i, `Unknown port name '${ep.unknownPortName}' (not in the built-in /etc/services subset): port 0.`, 'warning');
    return ep;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
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
