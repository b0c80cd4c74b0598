/**
 * Parses the connection table: `ipvsadm -Lnc` (with `--persistent-conn`: PE name and data columns)
 * and /proc/net/ip_vs_conn (hexadecimal addresses and ports, expiry in seconds).
 */

import type { Diagnostic } from '../diagnostics';
import type { RealServerRef } from './ipvsCommand';
import { parseKernelAddress, parseListedEndpoint } from './listingAddress';
import type { Protocol } from './types';

export interface IpvsConnection {
  /** `TCP`, `UDP`, `SCTP`, as printed. */
  protocol: string;
  client: RealServerRef;
  virtual: RealServerRef;
  destination: RealServerRef;
  /** `ESTABLISHED`, `FIN_WAIT`, `TIME_WAIT`, … */
  state: string;
  /** Seconds until the entry expires. */
  expires: number;
  peName?: string;
  peData?: string;
}

export interface ConnectionTable {
  connections: IpvsConnection[];
  diagnostics: Diagnostic[];
}

const PROTO: Readonly<Record<string, Protocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

function problem(out: ConnectionTable, i: number, line: string, message: string): void {
  out.diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSCONN', message });
}

/** `ipvsadm -Lnc`: `TCP 01:52  FIN_WAIT    10.116.1.100:59644 10.116.0.200:80    10.116.0.11:80`. */
export function parseConnListing(text: string): ConnectionTable {
  const out: ConnectionTable = { connections: [], diagnostics: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('IPVS connection entries') || line.startsWith('pro expire')) return;
    const w = line.trim().split(/\s+/);
    const m = /^(\d+):(\d\d)$/.exec(w[1] ?? '');
    const proto = PROTO[w[0]] ?? 'tcp';
    const eps = [w[3], w[4], w[5]].map((t) => (t === undefined ? undefined : parseListedEndpoint(t, proto)));
    if (w.length < 6 || !m || eps.some((e) => !e)) { problem(out, i, line, `Unreadable connection line '${line.trim()}'.`); return; }
    const [c, v, d] = eps.map((e) => ({ address: e?.address ?? '', port: e?.port ?? 0, family: e?.family ?? 'inet' }));
    const conn: IpvsConnection = { protocol: w[0], client: c, virtual: v, destination: d, state: w[2], expires: Number(m[1]) * 60 + Number(m[2]) };
    if (w[6] !== undefined) conn.peName = w[6];
    if (w[7] !== undefined) conn.peData = w[7];
    out.connections.push(conn);
  });
  return out;
}

/** /proc/net/ip_vs_conn: `TCP 0A740164 E8FC 0A7400C8 0050 0A74000B 0050 FIN_WAIT        110`. */
export function parseProcConn(text: string): ConnectionTable {
  const out: ConnectionTable = { connections: [], diagnostics: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('Pro FromIP')) return;
    const w = line.trim().split(/\s+/);
    const ep = (a: string | undefined, p: string | undefined): RealServerRef | undefined => {
      const addr = a === undefined ? undefined : parseKernelAddress(a);
      return addr && p !== undefined && /^[0-9A-Fa-f]{4}$/.test(p) ? { ...addr, port: parseInt(p, 16) } : undefined;
    };
    const c = ep(w[1], w[2]);
    const v = ep(w[3], w[4]);
    const d = ep(w[5], w[6]);
    if (!c || !v || !d || !/^\d+$/.test(w[8] ?? '')) { problem(out, i, line, `Unreadable connection line '${line.trim()}'.`); return; }
    const conn: IpvsConnection = { protocol: w[0], client: c, virtual: v, destination: d, state: w[7], expires: Number(w[8]) };
    if (w[9] !== undefined) conn.peName = w[9];
    if (w[10] !== undefined) conn.peData = w[10];
    out.connections.push(conn);
  });
  return out;
}
