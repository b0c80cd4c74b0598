/** Parses `ipvsadm -L --timeout` and `ipvsadm -L --daemon`. */

import type { Diagnostic } from '../diagnostics';

export interface IpvsTimeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

/** `Timeout (tcp tcpfin udp): 900 120 300`. */
export function parseTimeoutListing(text: string): { timeouts?: IpvsTimeouts; diagnostics: Diagnostic[] } {
  const m = /Timeout \(tcp tcpfin udp\): (\d+) (\d+) (\d+)/.exec(text);
  if (m) return { timeouts: { tcp: Number(m[1]), tcpFin: Number(m[2]), udp: Number(m[3]) }, diagnostics: [] };
  return {
    diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.indexOf('\n') === -1 ? text.length : text.indexOf('\n') } }, severity: 'error', code: 'IPVSLIST', message: 'Not an ipvsadm --timeout listing.' }],
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
    const settings: Record<string, string> = {};
    for (const part of m[2].split(',')) {
      const eq = part.indexOf('=');
      if (eq !== -1) settings[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const { mcast = '', syncid = '0', ...rest } = settings;
    daemons.push({ state: m[1] as 'master' | 'backup', mcastInterface: mcast, syncId: Number(syncid), settings: rest });
  });
  return { daemons, diagnostics };
}
