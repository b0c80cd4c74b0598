/**
 * Parses `ipvsadm -Ln --stats [--exact]` and `ipvsadm -Ln --rate [--exact]` in one pass over the
 * characters (no regex per field). Without `--exact` ipvsadm abbreviates large counters
 * (print_largenum): below 10^8 exact, then `123K` (÷10^3, below 10^9), `123M` (÷10^6, below 10^11),
 * `123G` (÷10^9, below 10^14), `123T` (÷10^12); such values come back multiplied out, with the row
 * flagged `approximate` (the true value lies in [n·unit, (n+1)·unit)). Counters are JavaScript numbers:
 * a value above 2^53 − 1 (digits or multiplied out) is an error on its line, never a rounded number.
 */

import type { Diagnostic } from '../diagnostics';
import type { RealServerRef } from './ipvsCommand';
import { listingBytes, scanIPv4Endpoint, scannedEndpoint } from './endpointScan';
import { parseListedEndpoint } from './listingAddress';
import { PROTOCOLS, U32_MAX, versionLine } from './listingValues';
import type { AddressFamily, Protocol, ServiceKey } from './types';

export interface StatsCounters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

export interface RateCounters {
  cps: number;
  inPps: number;
  outPps: number;
  inBps: number;
  outBps: number;
}

export interface StatsRow<C> {
  counters: C;
  /** Some value was abbreviated with K/M/G/T. */
  approximate: boolean;
}

export interface StatsService<C> extends StatsRow<C> {
  key: ServiceKey;
  realServers: (StatsRow<C> & RealServerRef)[];
}

export interface StatsListing<C> {
  kind: 'stats' | 'rate';
  version?: string;
  size?: number;
  services: StatsService<C>[];
  diagnostics: Diagnostic[];
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

type Make<C> = (a: number, b: number, c: number, d: number, e: number) => C;

const makeStats: Make<StatsCounters> = (conns, inPkts, outPkts, inBytes, outBytes) => ({ conns, inPkts, outPkts, inBytes, outBytes });
const makeRate: Make<RateCounters> = (cps, inPps, outPps, inBps, outBps) => ({ cps, inPps, outPps, inBps, outBps });

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function parse<C>(text: string, kind: 'stats' | 'rate', make: Make<C>): StatsListing<C> {
  const out: StatsListing<C> = { kind, services: [], diagnostics: [] };
  const n = text.length;
  const b = listingBytes(text); // read by position; substrings come from `text`
  const v = [0, 0, 0, 0, 0];
  let lineNo = -1;
  let pos = 0;
  let current: StatsService<C> | undefined;
  let protocol: Protocol = 'tcp';
  const bad = (len: number, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    out.diagnostics.push({ range: { start: { line: lineNo, character: 0 }, end: { line: lineNo, character: len } }, severity, code: 'IPVSSTATS', message });
  };
  while (pos < n) {
    lineNo++;
    let end = b.indexOf(10, pos);
    if (end === -1) end = n;
    const start = pos;
    pos = end + 1;
    let e = end;
    if (e > start && b[e - 1] === 13) e--;
    if (e === start) continue;
    const c0 = b[start];
    let i = start;
    let isServer = false;
    let key: ServiceKey | undefined;
    let address = '';
    let port = 0;
    let family: AddressFamily = 'inet';
    if (c0 === 32) {
      // "  -> addr:port  counters" or the "  -> RemoteAddress:Port" header
      while (i < e && isBlank(b[i])) i++;
      if (b[i] !== 45 || b[i + 1] !== 62) { bad(e - start, 'Unrecognised line.'); continue; }
      i += 2;
      while (i < e && isBlank(b[i])) i++;
      if (b[i] === 82 /* R */ && text.startsWith('RemoteAddress', i)) continue;
      if (!current) { bad(e - start, 'Real server line before any service.'); continue; }
      isServer = true;
    } else if (c0 === 73 /* I */ && text.startsWith('IP Virtual Server version ', start)) {
      const v = versionLine(text.slice(start, e));
      if (v) { out.version = v.version; out.size = v.size; } else bad(e - start, 'Unreadable version line.');
      continue;
    } else if (c0 === 80 /* P */ && text.startsWith('Prot ', start)) {
      continue;
    } else {
      // service line: protocol name
      const p0 = i;
      while (i < e && !isBlank(b[i])) i++;
      const proto = text.slice(p0, i);
      while (i < e && isBlank(b[i])) i++;
      if (proto === 'FWM') {
        let mark = 0;
        const m0 = i;
        while (i < e && isDigit(b[i]) && mark <= U32_MAX) mark = mark * 10 + (b[i++] - 48);
        if (i === m0) { bad(e - start, 'Missing firewall mark.'); continue; }
        if (mark < 1 || mark > U32_MAX || (i < e && !isBlank(b[i]))) { bad(e - start, `Unreadable firewall mark: 1…${U32_MAX}.`); continue; }
        let j = i;
        while (j < e && isBlank(b[j])) j++;
        let markFamily: AddressFamily = 'inet';
        if (text.startsWith('IPv6', j) && (j + 4 === e || isBlank(b[j + 4]))) { markFamily = 'inet6'; i = j + 4; }
        key = { kind: 'fwmark', fwmark: mark, family: markFamily };
        protocol = 'tcp';
      } else {
        const p = PROTOCOLS.get(proto);
        if (!p) { bad(e - start, `Unrecognised line '${text.slice(start, e).trim()}'.`); continue; }
        protocol = p;
      }
    }
    if (!key) {
      // the address token
      const a0 = i;
      while (i < e && !isBlank(b[i])) i++;
      if (scanIPv4Endpoint(text, b, a0, i)) {
        address = scannedEndpoint.address;
        port = scannedEndpoint.port;
      } else {
        const tokenText = text.slice(a0, i);
        const ep = parseListedEndpoint(tokenText, protocol);
        if (!ep) { bad(e - start, `Unreadable address '${tokenText}'.`); continue; }
        if (ep.hostName) bad(e - start, `'${ep.address}' is a host name (listing without -n).`, 'information');
        address = ep.address;
        port = ep.port;
        family = ep.family;
      }
    }
    // five counters, each digits with an optional K/M/G/T
    let approx = false;
    let tooLarge = false;
    let f = 0;
    for (; f < 5; f++) {
      while (i < e && isBlank(b[i])) i++;
      const d0 = i;
      let x = 0;
      let c = 0;
      while (i < e && isDigit((c = b[i]))) { x = x * 10 + (c - 48); i++; }
      if (i === d0) break;
      if (i - d0 > 16) { tooLarge = true; break; }
      if (i < e && !isBlank(c)) {
        if (c === 75) x *= 1e3; // K
        else if (c === 77) x *= 1e6; // M
        else if (c === 71) x *= 1e9; // G
        else if (c === 84) x *= 1e12; // T
        else break;
        approx = true;
        i++;
        if (i < e && !isBlank(b[i])) break;
      }
      if (x > Number.MAX_SAFE_INTEGER) { tooLarge = true; break; }
      v[f] = x;
    }
    if (tooLarge) { bad(e - start, 'A counter above 2^53 − 1 (9007199254740991): not representable exactly.'); continue; }
    if (f < 5) { bad(e - start, 'Missing or unreadable counters.'); continue; }
    const counters = make(v[0], v[1], v[2], v[3], v[4]);
    if (isServer && current) {
      current.realServers.push({ address, port, family, counters, approximate: approx });
    } else {
      if (!key) key = { kind: 'addr', protocol, address, port, family };
      current = { key, counters, approximate: approx, realServers: [] };
      out.services.push(current);
    }
  }
  return out;
}

export function parseStatsListing(text: string): StatsListing<StatsCounters> {
  return parse(text, 'stats', makeStats);
}

export function parseRateListing(text: string): StatsListing<RateCounters> {
  return parse(text, 'rate', makeRate);
}

/** The counter as ipvsadm prints it without --exact (print_largenum), for tests and renderers. */
export function formatLargeNumber(i: number): string {
  if (i < 1e8) return String(i).padStart(9);
  if (i < 1e9) return `${String(Math.floor(i / 1e3)).padStart(8)}K`;
  if (i < 1e11) return `${String(Math.floor(i / 1e6)).padStart(8)}M`;
  if (i < 1e14) return `${String(Math.floor(i / 1e9)).padStart(8)}G`;
  return `${String(Math.floor(i / 1e12)).padStart(8)}T`;
}
