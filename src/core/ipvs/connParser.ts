/**
 * Parses the connection table: `ipvsadm -Lnc` (with `--persistent-conn`: PE name and data columns)
 * and /proc/net/ip_vs_conn (hexadecimal addresses and ports, expiry in seconds).
 */

import type { Diagnostic } from '../diagnostics';
import type { RealServerRef } from './ipvsCommand';
import { parseKernelAddress, parseListedEndpoint } from './listingAddress';
import { decimalIn, hexIn, PROTOCOLS, U16_MAX, U32_MAX } from './listingValues';

export interface IpvsConnection {
  /** `TCP`, `UDP`, `SCTP`, as printed. */
  protocol: string;
  client: RealServerRef;
  virtual: RealServerRef;
  destination: RealServerRef;
  /** `ESTABLISHED`, `FIN_WAIT`, `TIME_WAIT`, … */
  state: string;
  /** Seconds until the entry expires (0…2^32 − 1). */
  expires: number;
  peName?: string;
  peData?: string;
}

export interface ConnectionTable {
  connections: IpvsConnection[];
  diagnostics: Diagnostic[];
}

function problem(out: ConnectionTable, i: number, line: string, message: string): void {
  out.diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSCONN', message });
}

/** `mm:ss` as ipvsadm prints an expiry (seconds below 60), in seconds; undefined when impossible. */
function expiry(text: string | undefined): number | undefined {
  const colon = text === undefined ? -1 : text.indexOf(':');
  if (text === undefined || colon < 1 || text.length - colon !== 3) return undefined;
  const minutes = decimalIn(text.slice(0, colon), 0, Math.floor(U32_MAX / 60));
  const seconds = decimalIn(text.slice(colon + 1), 0, 59);
  return minutes === undefined || seconds === undefined ? undefined : minutes * 60 + seconds;
}

/** `ipvsadm -Lnc`: `TCP 01:52  FIN_WAIT    10.116.1.100:59644 10.116.0.200:80    10.116.0.11:80`. */
export function parseConnListing(text: string): ConnectionTable {
  const out: ConnectionTable = { connections: [], diagnostics: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('IPVS connection entries') || line.startsWith('pro expire')) return;
    const w = line.trim().split(/\s+/);
    const proto = PROTOCOLS.get(w[0]);
    const expires = expiry(w[1]);
    const eps = proto ? [w[3], w[4], w[5]].map((t) => (t === undefined ? undefined : parseListedEndpoint(t, proto))) : [];
    if (w.length < 6 || !proto || expires === undefined || eps.some((e) => !e)) { problem(out, i, line, `Unreadable connection line '${line.trim()}'.`); return; }
    const [c, v, d] = eps.map((e) => ({ address: e?.address ?? '', port: e?.port ?? 0, family: e?.family ?? 'inet' }));
    const conn: IpvsConnection = { protocol: w[0], client: c, virtual: v, destination: d, state: w[2], expires };
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
      const port = p?.length === 4 ? hexIn(p, U16_MAX) : undefined;
      return addr && port !== undefined ? { ...addr, port } : undefined;
    };
    const c = ep(w[1], w[2]);
    const v = ep(w[3], w[4]);
    const d = ep(w[5], w[6]);
    const expires = decimalIn(w[8], 0, U32_MAX);
    if (!PROTOCOLS.has(w[0]) || !c || !v || !d || expires === undefined) { problem(out, i, line, `Unreadable connection line '${line.trim()}'.`); return; }
    const conn: IpvsConnection = { protocol: w[0], client: c, virtual: v, destination: d, state: w[7], expires };
    if (w[9] !== undefined) conn.peName = w[9];
    if (w[10] !== undefined) conn.peData = w[10];
    out.connections.push(conn);
  });
  return out;
}
