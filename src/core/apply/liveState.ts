/**
 * Reading a director's live IPVS state in ONE remote exec: a small sh script prints, between marker lines,
 * the table's digest (DIGEST_LINE), `ipvsadm -S -n` (the table), `ipvsadm -Ln --thresholds` (-x/-y, which
 * -S omits, and ActiveConn/InActConn), `ipvsadm -L --timeout`, the kernel's release and IPVS modules, the IPVS sysctls (net.ipv4.vs.*) and lvsctl's record of
 * the services it manages for the cluster. The core parsers turn each section into the model.
 */

import type { Diagnostic } from '../diagnostics';
import { parseIpvsListing } from '../ipvs/listParser';
import { parseRules } from '../ipvs/rulesParser';
import type { IpvsTimeouts } from '../ipvs/settingsParser';
import { parseTimeoutListing } from '../ipvs/settingsParser';
import type { IpvsTable } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import { counterKey } from '../plan/planTable';
import type { ServerCounters } from '../plan/planTypes';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import type { KernelInfo } from './kernelSupport';
import { KERNEL_SCRIPT, parseKernelInfo } from './kernelSupport';
import { GENERATION_PATH } from './remoteLock';

export const SECTION_MARK = '@@lvsctl-section';

export interface LiveState {
  /** `ipvsadm -S -n` exactly as printed (thresholds are not in it). */
  saveText: string;
  /** The table, thresholds merged in from `--thresholds`. */
  table: IpvsTable;
  counters: Map<string, ServerCounters>;
  timeouts?: IpvsTimeouts;
  /** net.ipv4.vs.<name> → value (integer sysctls only). */
  sysctls: Record<string, number>;
  /** serviceKeyStrings lvsctl recorded as applied for the cluster. */
  managed: Set<string>;
  /** The table's digest (DIGEST_LINE), when the script printed one. */
  digest?: string;
  /** The director's kernel and IPVS modules, when printed. */
  kernel?: KernelInfo;
}

/** Where lvsctl records which services it applied for a cluster. */
export function managedRecordPath(cluster: string): string {
  return `/var/lib/vscode-lvs/ipvs/${cluster.replace(/[^A-Za-z0-9._-]/g, '_')}.services`;
}

/**
 * The table's digest, read FIRST (a change after it shows as a different digest later): lvsctl's commit
 * generation (guardian.ts) and /proc/net/ip_vs without the connection counters, through `cksum`. Cheap
 * (/proc/net/ip_vs is ~0.1 s on 5,000 entries, a full ipvsadm listing ~0.85 s): the guardian compares it
 * under the lock against the digest the plan was made from. It does not see thresholds, --pe or tunnel
 * options (not in /proc/net/ip_vs); an lvsctl apply always changes the generation.
 */
export const DIGEST_LINE = `{ cat ${GENERATION_PATH} 2>/dev/null; awk '$1=="->"{print $1,$2,$3,$4;next}{print}' /proc/net/ip_vs 2>/dev/null; } | cksum`;

/**
 * One sh script; `$1` is the managed-record path. Each section is `MARK name`, its output, then
 * `MARK-rc name N` with the exit status. Sysctls are read with one `grep -r` (no process per file).
 */
export const LIVE_STATE_SCRIPT = [
  `m=${SECTION_MARK}`,
  'sec() { printf "%s %s\\n" "$m" "$1"; }',
  'rc() { printf "%s-rc %s %s\\n" "$m" "$1" "$2"; }',
  `sec digest; ${DIGEST_LINE}; rc digest 0`,
  'sec save; ipvsadm -S -n; rc save $?',
  // `$2` = table-only: the read back of a batch that set no threshold (applyDirector knows them) skips this.
  'if [ "$2" != table-only ]; then sec thresholds; ipvsadm -Ln --thresholds; rc thresholds $?; fi',
  'sec timeout; ipvsadm -L --timeout; rc timeout $?',
  'sec sysctl; grep -r . /proc/sys/net/ipv4/vs/ 2>/dev/null; rc sysctl 0',
  'sec managed; cat "$1" 2>/dev/null; rc managed 0',
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
  const saveText = need('save');
  const rules = parseRules(saveText);
  refuseErrors('ipvsadm -S -n', rules.diagnostics);
  const table = rules.table;

  // Without the section (table-only read back), thresholds stay 0 and counters unknown: the caller fills them.
  const thresholds = parseIpvsListing(sections.has('thresholds') ? need('thresholds') : '');
  refuseErrors('ipvsadm -Ln --thresholds', thresholds.diagnostics);
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

  // Counters: the `--thresholds` listing has ActiveConn/InActConn too (one full listing fewer); a `list`
  // section (`ipvsadm -Ln`) is still read when present.
  const listing = sections.has('list') ? parseIpvsListing(need('list')) : thresholds;
  if (listing !== thresholds) refuseErrors('ipvsadm -Ln', listing.diagnostics);
  const counters = new Map<string, ServerCounters>();
  listing.table.services.forEach((s, i) => {
    const cols = listing.counters[i];
    s.realServers.forEach((rs, j) => {
      const c = cols?.realServers[j];
      if (c) counters.set(counterKey(s.key, rs), { activeConn: c.activeConn, inactConn: c.inactConn });
    });
  });

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
  const digest = sections.get('digest')?.text.trim();
  if (digest) state.digest = digest;
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
