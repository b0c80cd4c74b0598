/**
 * Reading a director's live IPVS state in ONE remote exec and ONE full ipvsadm listing: a small sh script
 * prints, between marker lines, lvsctl's commit generation and /proc/net/ip_vs (the digest's input, and each
 * real server's weight and forwarding), `ipvsadm -Ln --thresholds` (every service setting, -x/-y, the
 * counters), `ipvsadm -S -n` only when /proc/net/ip_vs cannot fill in the rest, `ipvsadm -L --timeout`, the
 * IPVS sysctls (net.ipv4.vs.*), lvsctl's record of the services it manages for the cluster, and the kernel's
 * release and IPVS modules. The core parsers turn each section into the model.
 */

import type { Diagnostic } from '../diagnostics';
import type { IpvsListing } from '../ipvs/listParser';
import { parseIpvsListing } from '../ipvs/listParser';
import { parseProcIpvs } from '../ipvs/procParser';
import { parseRules } from '../ipvs/rulesParser';
import { renderRules } from '../ipvs/rulesRenderer';
import type { IpvsTimeouts } from '../ipvs/settingsParser';
import { parseTimeoutListing } from '../ipvs/settingsParser';
import type { IpvsRealServer, IpvsService, IpvsTable } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import { counterKey } from '../plan/planTable';
import type { ServerCounters } from '../plan/planTypes';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import type { KernelInfo } from './kernelSupport';
import { KERNEL_SCRIPT, parseKernelInfo } from './kernelSupport';
import { GENERATION_PATH } from './remoteLock';
import { tableDigest } from './tableDigest';

export const SECTION_MARK = '@@lvsctl-section';

export interface LiveState {
  /**
   * `ipvsadm -S -n` exactly as printed (thresholds are not in it): read when the script listed it, else
   * rendered from the table as ipvsadm prints it (rulesRenderer.ts).
   */
  saveText: string;
  /** The table, thresholds merged in from `--thresholds`. */
  table: IpvsTable;
  counters: Map<string, ServerCounters>;
  timeouts?: IpvsTimeouts;
  /** net.ipv4.vs.<name> → value (integer sysctls only). */
  sysctls: Record<string, number>;
  /** serviceKeyStrings lvsctl recorded as applied for the cluster. */
  managed: Set<string>;
  /** The table's digest (tableDigest.ts), when the script printed its input (or, older, the digest itself). */
  digest?: string;
  /** The director's kernel and IPVS modules, when printed. */
  kernel?: KernelInfo;
}

/** Where lvsctl records which services it applied for a cluster. */
export function managedRecordPath(cluster: string): string {
  return `/var/lib/vscode-lvs/ipvs/${cluster.replace(/[^A-Za-z0-9._-]/g, '_')}.services`;
}

/**
 * One sh script; `$1` is the managed-record path, `$2` = `table-only` for a read back that needs no thresholds
 * (applyDirector knows them). Each section is `MARK name`, its output, then `MARK-rc name N` with the exit
 * status. ONE full ipvsadm listing (each costs ~0.85 s on 5,000 entries in the lab, /proc/net/ip_vs ~0.1 s):
 *
 * - `gen` and `proc` first (the digest, tableDigest.ts, is computed from them here: a change after them
 *   shows as a different digest under the lock);
 * - `thresholds` (`ipvsadm -Ln --thresholds`): services whole (scheduler, flags, persistence, --pe, -o) and
 *   per real server -x/-y and the counters; weight and forwarding come from /proc/net/ip_vs;
 * - `save` (`ipvsadm -S -n`) only when /proc/net/ip_vs cannot fill in the rest: a tunnel real server (its
 *   --tun-type/port/checksum) or a firewall-mark service (its family), or for a table-only read back;
 * - the IPVS sysctls (one grep) and the kernel with builtins and one grep (every process costs ~50 ms on the lab).
 */
export const LIVE_STATE_SCRIPT = [
  `m=${SECTION_MARK}`,
  'sec() { printf "%s %s\\n" "$m" "$1"; }',
  'rc() { printf "%s-rc %s %s\\n" "$m" "$1" "$2"; }',
  `sec gen; g=; IFS= read -r g 2>/dev/null < ${GENERATION_PATH}; printf '%s\\n' "$g"; rc gen 0`,
  'sec proc; cat /proc/net/ip_vs 2>/dev/null; rc proc 0',
  'if [ "$2" = table-only ] || grep -q -e Tunnel -e FWM /proc/net/ip_vs 2>/dev/null; then sec save; ipvsadm -S -n; rc save $?; fi',
  'if [ "$2" != table-only ]; then sec thresholds; ipvsadm -Ln --thresholds; rc thresholds $?; fi',
  // (grep, not sh's read: the shell reads byte by byte, and an int sysctl file read at an offset is empty.)
  'sec sysctl; grep -r . /proc/sys/net/ipv4/vs/ 2>/dev/null; rc sysctl 0',
  'sec managed; [ -f "$1" ] && cat "$1" 2>/dev/null; rc managed 0',
  `sec kernel; ${KERNEL_SCRIPT}; rc kernel 0`,
  'sec end',
].join('\n');

export class LiveStateError extends Error {
  override readonly name = 'LiveStateError';
}

/** The sections of the script's output: name → text (newline-terminated lines) and exit status. */
export function splitSections(stdout: string): Map<string, { text: string; rc?: number }> {
  const out = new Map<string, { text: string; rc?: number }>();
  let current: { text: string; rc?: number } | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${SECTION_MARK}-rc `)) {
      const [, name, rc] = line.split(' ');
      const s = out.get(name ?? '');
      if (s) s.rc = Number(rc);
      current = undefined;
      continue;
    }
    if (line.startsWith(`${SECTION_MARK} `)) {
      current = { text: '' };
      out.set(line.slice(SECTION_MARK.length + 1), current);
      continue;
    }
    if (current) current.text += `${line}\n`;
  }
  return out;
}

function firstError(diags: readonly Diagnostic[]): Diagnostic | undefined {
  return diags.find((d) => d.severity === 'error');
}

/** A listing the director printed is believed only whole: its first error names the command and line. */
function refuseErrors(command: string, diags: readonly Diagnostic[]): void {
  const bad = firstError(diags);
  if (bad) throw new LiveStateError(`cannot read ${command} output, line ${bad.range.start.line + 1}: ${bad.message}`);
}

/** The counters of a listing (ipvsadm's or /proc's), by counterKey. */
function countersOf(listing: IpvsListing): Map<string, ServerCounters> {
  const counters = new Map<string, ServerCounters>();
  listing.table.services.forEach((s, i) => {
    const cols = listing.counters[i];
    s.realServers.forEach((rs, j) => {
      const c = cols?.realServers[j];
      if (c) counters.set(counterKey(s.key, rs), { activeConn: c.activeConn, inactConn: c.inactConn });
    });
  });
  return counters;
}

/**
 * The table from the `--thresholds` listing (every service setting, -x/-y) with each real server's weight
 * and forwarding from /proc/net/ip_vs (read just before it). Both must hold the same services and real
 * servers: a table changed between the two reads is refused, never merged.
 */
function mergeProc(thresholds: IpvsListing, proc: IpvsListing): IpvsTable {
  const changed = (what: string): LiveStateError => new LiveStateError(`the table changed while it was read (${what}); read it again`);
  const procServices = new Map<string, IpvsService>();
  for (const s of proc.table.services) procServices.set(serviceKeyString(s.key), s);
  if (procServices.size !== thresholds.table.services.length) throw changed(`${procServices.size} services in /proc/net/ip_vs, ${thresholds.table.services.length} listed`);
  for (const s of thresholds.table.services) {
    const key = serviceKeyString(s.key);
    const p = procServices.get(key);
    if (!p) throw changed(`${key} is not in /proc/net/ip_vs`);
    if (p.realServers.length !== s.realServers.length) throw changed(`${key} has ${p.realServers.length} real servers in /proc/net/ip_vs, ${s.realServers.length} listed`);
    const byKey = new Map<string, IpvsRealServer>();
    for (const rs of p.realServers) byKey.set(realServerKeyString(rs), rs);
    for (const rs of s.realServers) {
      const q = byKey.get(realServerKeyString(rs));
      if (!q) throw changed(`${key} real server ${realServerKeyString(rs)} is not in /proc/net/ip_vs`);
      rs.method = q.method;
      rs.weight = q.weight;
      if (q.tunnel) rs.tunnel = q.tunnel; else delete rs.tunnel;
    }
  }
  return thresholds.table;
}

export function parseLiveState(output: CommandOutput): LiveState {
  const sections = splitSections(output.stdout);
  const need = (name: string): string => {
    const s = sections.get(name);
    if (!s) throw new LiveStateError(`the live-state script printed no '${name}' section (stderr: ${output.stderr.trim() || 'empty'})`);
    if (s.rc !== undefined && s.rc !== 0) {
      const hint = s.rc === 127 ? ' (ipvsadm is not installed: host preparation installs it)' : '';
      throw new LiveStateError(`ipvsadm (${name}) exited with ${s.rc}${hint}: ${output.stderr.trim()}`);
    }
    return s.text;
  };
  const procText = sections.get('proc')?.text;
  const proc = procText !== undefined ? parseProcIpvs(procText) : undefined;
  if (proc) refuseErrors('/proc/net/ip_vs', proc.diagnostics);
  // Without the section (table-only read back), thresholds stay 0 and counters unknown: the caller fills them.
  const thresholds = parseIpvsListing(sections.has('thresholds') ? need('thresholds') : '');
  refuseErrors('ipvsadm -Ln --thresholds', thresholds.diagnostics);

  let saveText: string;
  let table: IpvsTable;
  if (sections.has('save') || !proc || !sections.has('thresholds')) {
    saveText = need('save');
    const rules = parseRules(saveText);
    refuseErrors('ipvsadm -S -n', rules.diagnostics);
    table = rules.table;
    const limits = new Map<string, { upper: number; lower: number }>();
    for (const s of thresholds.table.services) {
      for (const rs of s.realServers) limits.set(counterKey(s.key, rs), { upper: rs.upperThreshold, lower: rs.lowerThreshold });
    }
    for (const s of table.services) {
      for (const rs of s.realServers) {
        const l = limits.get(counterKey(s.key, rs));
        if (l) { rs.upperThreshold = l.upper; rs.lowerThreshold = l.lower; }
      }
    }
  } else {
    table = mergeProc(thresholds, proc);
    saveText = renderRules(table);
  }

  // Counters: a `list` section (`ipvsadm -Ln`) when present, else the `--thresholds` listing (read last),
  // else /proc/net/ip_vs.
  let counters: Map<string, ServerCounters>;
  if (sections.has('list')) {
    const listing = parseIpvsListing(need('list'));
    refuseErrors('ipvsadm -Ln', listing.diagnostics);
    counters = countersOf(listing);
  } else counters = countersOf(sections.has('thresholds') || !proc ? thresholds : proc);

  const state: LiveState = { saveText, table, counters, sysctls: {}, managed: new Set() };
  const timeouts = parseTimeoutListing(sections.get('timeout')?.text ?? '').timeouts;
  if (timeouts) state.timeouts = timeouts;
  for (const line of (sections.get('sysctl')?.text ?? '').split('\n')) {
    const m = /^\/proc\/sys\/net\/ipv4\/vs\/(\w+):(-?\d{1,10})$/.exec(line.trim());
    const value = m ? Number(m[2]) : NaN;
    // int sysctls only; defined as own properties (a name like __proto__ stays a name)
    if (m && value >= -2147483648 && value <= 2147483647) Object.defineProperty(state.sysctls, m[1], { value, enumerable: true, writable: true, configurable: true });
  }
  for (const line of (sections.get('managed')?.text ?? '').split('\n')) {
    if (line.trim() !== '') state.managed.add(line.trim());
  }
  const gen = sections.get('gen');
  if (gen && procText) state.digest = tableDigest(gen.text.replace(/\n$/, ''), procText);
  else {
    const digest = sections.get('digest')?.text.trim();
    if (digest) state.digest = digest;
  }
  const kernel = sections.get('kernel');
  if (kernel) state.kernel = parseKernelInfo(kernel.text);
  return state;
}

/** The one exec that reads everything. */
export function liveStateCommand(cluster: string, timeoutMs = 60_000): RemoteCommand<LiveState> {
  return {
    argv: ['sh', '-c', LIVE_STATE_SCRIPT, 'sh', managedRecordPath(cluster)],
    timeoutMs,
    parse: parseLiveState,
  };
}

/** Real servers and their counters as one line each, for messages. */
export function describeCounters(state: LiveState): string[] {
  const out: string[] = [];
  for (const s of state.table.services) {
    for (const rs of s.realServers) {
      const c = state.counters.get(counterKey(s.key, rs));
      out.push(`${serviceKeyString(s.key)} ${realServerKeyString(rs)} active ${c?.activeConn ?? '?'} inactive ${c?.inactConn ?? '?'}`);
    }
  }
  return out;
}
