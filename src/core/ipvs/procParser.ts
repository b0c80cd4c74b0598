/**
 * Parses the kernel's own views: /proc/net/ip_vs (the table in hex, kernel order, with ActiveConn and
 * InActConn) and /proc/net/ip_vs_stats (global counters and rates, hexadecimal).
 */

import type { Diagnostic } from '../diagnostics';
import type { IpvsListing, ListedRealServerColumns, ListedServiceColumns } from './listParser';
import { parseKernelAddress } from './listingAddress';
import { decimalIn, hexIn, METHODS, PROTOCOLS, U16_MAX, U32_MAX, versionLine } from './listingValues';
import { isScheduler } from './schedulers';
import type { RateCounters, StatsCounters } from './statsParser';
import type { IpvsRealServer, IpvsService, ServiceKey } from './types';

function hexPort(text: string): number | undefined {
  return text.length === 4 ? hexIn(text, U16_MAX) : undefined;
}

/** `0A7400C8:0050`, `[2001:0db8:…]:0050`. */
function hexEndpoint(text: string | undefined): { address: string; family: 'inet' | 'inet6'; port: number } | undefined {
  if (text === undefined) return undefined;
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
  /** After a refused service line its real servers are dropped with it (never added to the previous one). */
  let refused = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('Prot ') || line.startsWith('  -> RemoteAddress')) continue;
    if (line.startsWith('IP Virtual Server version')) {
      const v = versionLine(line);
      if (v) { out.version = v.version; out.size = v.size; } else problem(i, `Unreadable version line '${line.trim()}'.`);
      continue;
    }
    const w = line.trim().split(/\s+/);
    if (w[0] === '->') {
      if (refused) continue;
      if (!current) { problem(i, 'Real server line before any service.'); continue; }
      const ep = hexEndpoint(w[1]);
      const method = w[2] === undefined ? undefined : METHODS.get(w[2]);
      // Weight 0…65535 (ipvsadm's range), ActiveConn and InActConn u32.
      const weight = decimalIn(w[3], 0, U16_MAX);
      const activeConn = decimalIn(w[4], 0, U32_MAX);
      const inactConn = decimalIn(w[5], 0, U32_MAX);
      if (!ep || !method || weight === undefined || activeConn === undefined || inactConn === undefined || w.length !== 6) {
        problem(i, `Unreadable real server line '${line.trim()}'.`);
        continue;
      }
      const rs: IpvsRealServer = { ...ep, method, weight, upperThreshold: 0, lowerThreshold: 0 };
      if (method === 'tun') rs.tunnel = { type: 'ipip' };
      const cols: ListedRealServerColumns = { address: ep.address, port: ep.port, activeConn, inactConn };
      current.svc.realServers.push(rs);
      current.cols.realServers.push(cols);
      continue;
    }
    current = undefined;
    refused = true;
    let key: ServiceKey | undefined;
    const protocol = PROTOCOLS.get(w[0]);
    if (w[0] === 'FWM') {
      const mark = w[1]?.length === 8 ? hexIn(w[1], U32_MAX) : undefined;
      if (mark !== undefined && mark > 0) key = { kind: 'fwmark', fwmark: mark, family: 'inet' };
    } else if (protocol) {
      const ep = hexEndpoint(w[1]);
      if (ep) key = { kind: 'addr', protocol, ...ep };
    }
    const sched = w[2];
    if (!key || !sched || !isScheduler(sched)) { problem(i, `Unreadable service line '${line.trim()}'.`); continue; }
    const svc: IpvsService = { key, scheduler: sched, schedFlags: [], onePacket: false, realServers: [] };
    let bad = '';
    for (let k = 3; k < w.length && !bad; k++) {
      if (w[k] === 'ops') svc.onePacket = true;
      else if (w[k] === 'persistent') {
        const timeout = decimalIn(w[k + 1], 1, U32_MAX);
        const raw = w[k + 2]?.length === 8 ? hexIn(w[k + 2], U32_MAX) : undefined;
        if (timeout === undefined || raw === undefined) { bad = `Unreadable persistence '${w.slice(k, k + 3).join(' ')}'`; break; }
        let netmask: string;
        if (key.family === 'inet6') {
          // the prefix length, printed through ntohl(): byte-swapped on little-endian hosts
          const swapped = (((raw & 255) << 24) | (((raw >>> 8) & 255) << 16) | (((raw >>> 16) & 255) << 8) | (raw >>> 24)) >>> 0;
          const prefix = raw <= 128 ? raw : swapped;
          if (prefix < 1 || prefix > 128) { bad = `Unreadable IPv6 persistence mask '${w[k + 2]}'`; break; }
          netmask = String(prefix);
        } else {
          netmask = [raw >>> 24, (raw >>> 16) & 255, (raw >>> 8) & 255, raw & 255].join('.');
        }
        svc.persistence = { timeout, netmask };
        k += 2;
      } else bad = `Unknown service flag '${w[k]}'`;
    }
    if (bad) { problem(i, `${bad}: '${line.trim()}'.`); continue; }
    const cols: ListedServiceColumns = { key, realServers: [] };
    out.table.services.push(svc);
    out.counters.push(cols);
    current = { svc, cols };
    refused = false;
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
    if (w.length === 5 && w.every((x) => /^[0-9A-Fa-f]+$/.test(x))) {
      const row = w.map((x) => hexIn(x, Number.MAX_SAFE_INTEGER));
      if (row.every((x) => x !== undefined)) rows.push(row as number[]);
      else diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSPROC', message: `A counter above 2^53 − 1: '${line.trim()}'.` });
    } else if (line.trim() !== '' && !/[G-Zg-z]/.test(line)) {
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
