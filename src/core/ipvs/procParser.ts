/**
 * Parses the kernel's own views: /proc/net/ip_vs (the table in hex, kernel order, with ActiveConn and
 * InActConn) and /proc/net/ip_vs_stats (global counters and rates, hexadecimal).
 */

import type { Diagnostic } from '../diagnostics';
import type { IpvsListing, ListedRealServerColumns, ListedServiceColumns } from './listParser';
import { parseKernelAddress } from './listingAddress';
import { isScheduler } from './schedulers';
import type { RateCounters, StatsCounters } from './statsParser';
import type { ForwardingMethod, IpvsRealServer, IpvsService, Protocol, ServiceKey } from './types';

const FWD: Readonly<Record<string, ForwardingMethod>> = { Route: 'dr', Masq: 'nat', Tunnel: 'tun', Local: 'dr' };
const PROTO: Readonly<Record<string, Protocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

function hexPort(text: string): number | undefined {
  return /^[0-9A-Fa-f]{4}$/.test(text) ? parseInt(text, 16) : undefined;
}

/** `0A7400C8:0050`, `[2001:0db8:…]:0050`. */
function hexEndpoint(text: string): { address: string; family: 'inet' | 'inet6'; port: number } | undefined {
  const colon = text.lastIndexOf(':');
  if (colon === -1) return undefined;
  const a = parseKernelAddress(text.slice(0, colon));
  const port = hexPort(text.slice(colon + 1));
  return a && port !== undefined ? { ...a, port } : undefined;
}

/** /proc/net/ip_vs → the table (kernel order: newest real server first) and its connection counts. */
export function parseProcIpvs(text: string): IpvsListing {
  const out: IpvsListing = {
    columns: 'default',
    known: { method: true, weight: true, thresholds: false, tunnel: false },
    table: { services: [] },
    counters: [],
    diagnostics: [],
  };
  const lines = text.split('\n');
  let current: { svc: IpvsService; cols: ListedServiceColumns } | undefined;
  const problem = (i: number, message: string): void => {
    out.diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: lines[i].length } }, severity: 'error', code: 'IPVSPROC', message });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('Prot ') || line.startsWith('  -> RemoteAddress')) continue;
    if (line.startsWith('IP Virtual Server version')) {
      const m = /version (\S+) \(size=(\d+)\)/.exec(line);
      if (m) { out.version = m[1]; out.size = Number(m[2]); }
      continue;
    }
    const w = line.trim().split(/\s+/);
    if (w[0] === '->') {
      if (!current) { problem(i, 'Real server line before any service.'); continue; }
      const ep = hexEndpoint(w[1]);
      const method = FWD[w[2]];
      const nums = w.slice(3, 6).map((x) => (/^-?\d+$/.test(x) ? Number(x) : undefined));
      if (!ep || !method || nums.length < 3 || nums.some((x) => x === undefined)) { problem(i, `Unreadable real server line '${line.trim()}'.`); continue; }
      const rs: IpvsRealServer = { ...ep, method, weight: nums[0] as number, upperThreshold: 0, lowerThreshold: 0 };
      if (method === 'tun') rs.tunnel = { type: 'ipip' };
      const cols: ListedRealServerColumns = { address: ep.address, port: ep.port, activeConn: nums[1] as number, inactConn: nums[2] as number };
      current.svc.realServers.push(rs);
      current.cols.realServers.push(cols);
      continue;
    }
    let key: ServiceKey | undefined;
    if (w[0] === 'FWM') {
      const mark = /^[0-9A-Fa-f]{8}$/.test(w[1]) ? parseInt(w[1], 16) : undefined;
      if (mark !== undefined) key = { kind: 'fwmark', fwmark: mark, family: 'inet' };
    } else if (PROTO[w[0]]) {
      const ep = hexEndpoint(w[1]);
      if (ep) key = { kind: 'addr', protocol: PROTO[w[0]], ...ep };
    }
    const sched = w[2];
    if (!key || !sched || !isScheduler(sched)) { problem(i, `Unreadable service line '${line.trim()}'.`); continue; }
    const svc: IpvsService = { key, scheduler: sched, schedFlags: [], onePacket: false, realServers: [] };
    for (let k = 3; k < w.length; k++) {
      if (w[k] === 'ops') svc.onePacket = true;
      else if (w[k] === 'persistent') {
        const timeout = Number(w[k + 1]);
        const raw = parseInt(w[k + 2] ?? 'FFFFFFFF', 16) >>> 0;
        let netmask: string;
        if (key.family === 'inet6') {
          // the prefix length, printed through ntohl(): byte-swapped on little-endian hosts
          const swapped = (((raw & 255) << 24) | (((raw >>> 8) & 255) << 16) | (((raw >>> 16) & 255) << 8) | (raw >>> 24)) >>> 0;
          netmask = String(raw <= 128 ? raw : swapped);
        } else {
          netmask = [raw >>> 24, (raw >>> 16) & 255, (raw >>> 8) & 255, raw & 255].join('.');
        }
        svc.persistence = { timeout, netmask };
        k += 2;
      }
    }
    const cols: ListedServiceColumns = { key, realServers: [] };
    out.table.services.push(svc);
    out.counters.push(cols);
    current = { svc, cols };
  }
  return out;
}

export interface ProcIpvsStats {
  totals: StatsCounters;
  rates: RateCounters;
  diagnostics: Diagnostic[];
}

/** /proc/net/ip_vs_stats: two hexadecimal rows, totals since boot and current rates (header lines hold words). */
export function parseProcIpvsStats(text: string): ProcIpvsStats {
  const rows: number[][] = [];
  const diagnostics: Diagnostic[] = [];
  text.split('\n').forEach((line, i) => {
    const w = line.trim().split(/\s+/);
    if (w.length === 5 && w.every((x) => /^[0-9A-Fa-f]+$/.test(x))) rows.push(w.map((x) => parseInt(x, 16)));
    else if (line.trim() !== '' && !/[G-Zg-z]/.test(line)) {
      diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSPROC', message: `Unrecognised line '${line.trim()}'.` });
    }
  });
  const [t, r] = [rows[0] ?? [0, 0, 0, 0, 0], rows[1] ?? [0, 0, 0, 0, 0]];
  if (rows.length !== 2) {
    diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'IPVSPROC', message: `Expected 2 rows of counters, found ${rows.length}.` });
  }
  return {
    totals: { conns: t[0], inPkts: t[1], outPkts: t[2], inBytes: t[3], outBytes: t[4] },
    rates: { cps: r[0], inPps: r[1], outPps: r[2], inBps: r[3], outBps: r[4] },
    diagnostics,
  };
}
