/** Parses `ipvsadm -L --timeout` and `ipvsadm -L --daemon`. */

import type { Diagnostic } from '../diagnostics';
import { decimalIn, U32_MAX } from './listingValues';

export interface IpvsTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

/** `Timeout (tcp tcpfin udp): 900 120 300`. */
export function parseTimeoutListing(text: string): { timeouts?: IpvsTimeouts; diagnostics: Diagnostic[] } {
  const m = /Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)/.exec(text);
  // Seconds, u32 in the kernel (ipvsadm prints them as %d).
  const values = m ? [m[1], m[2], m[3]].map((t) => decimalIn(t, 0, U32_MAX)) : [];
  if (m && values.every((v) => v !== undefined)) {
    const [tcp, tcpFin, udp] = values as number[];
    return { timeouts: { tcp, tcpFin, udp }, diagnostics: [] };
  }
  const lineNo = m ? text.slice(0, m.index).split('\n').length - 1 : 0;
  const lineStart = m ? text.lastIndexOf('\n', m.index) + 1 : 0;
  const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
  return {
    diagnostics: [{
      range: { start: { line: lineNo, character: 0 }, end: { line: lineNo, character: lineEnd - lineStart } }, severity: 'error', code: 'IPVSLIST',
      message: m ? `Timeouts beyond 0…${U32_MAX} seconds: '${text.slice(lineStart, lineEnd).trim()}'.` : 'Not an ipvsadm --timeout listing.',
    }],
  };
}

export interface SyncDaemon {
  state: 'master' | 'backup';
  mcastInterface: string;
  syncId: number;
  /** Further `key=value` settings (maxlen, group, port, ttl). */
  settings: Record<string, string>;
}

/** `master sync daemon (mcast=eth0, syncid=1)`, one line per running daemon; empty when none runs. */
export function parseDaemonListing(text: string): { daemons: SyncDaemon[]; diagnostics: Diagnostic[] } {
  const daemons: SyncDaemon[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^(master|backup) sync daemon \((.*)\)\s*$/.exec(line);
    if (!m) {
      diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSLIST', message: `Unrecognised daemon line '${line.trim()}'.` });
      return;
    }
    // A Map first: a setting named __proto__ or constructor is a setting like any other.
    const settings = new Map<string, string>();
    for (const part of m[2].split(',')) {
      const eq = part.indexOf('=');
      if (eq !== -1) settings.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const syncId = decimalIn(settings.get('syncid') ?? '0', 0, 255);
    if (syncId === undefined) {
      diagnostics.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } }, severity: 'error', code: 'IPVSLIST', message: `Sync id '${settings.get('syncid') ?? ''}' is not in 0…255.` });
      return;
    }
    const rest: Record<string, string> = {};
    for (const [k, v] of settings) if (k !== 'mcast' && k !== 'syncid') Object.defineProperty(rest, k, { value: v, enumerable: true, writable: true, configurable: true });
    daemons.push({ state: m[1] as 'master' | 'backup', mcastInterface: settings.get('mcast') ?? '', syncId, settings: rest });
  });
  return { daemons, diagnostics };
}
