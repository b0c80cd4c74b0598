/**
 * An ipvsadm rules file (`ipvsadm-save -n` format) → an ImportDraft: the table `ipvsadm -R` would build
 * (the existing rules parser and in-memory ipvsadm), as one cluster. A rules file names no director, no
 * interface and no host: the director is a host named `director` on an assumed `eth0`, and the comments
 * say so; real servers are addresses. Commands that set no part of the table (`--set`, sync daemons) are
 * kept as comments and warnings.
 */
import type { Diagnostic } from '../diagnostics';
import { parseAddress } from '../ipvs/address';
import { parseRules } from '../ipvs/rulesParser';
import type { IpvsTable } from '../ipvs/types';
import { sortServices } from '../ipvs/ipvsOrder';
import type { IpvsCommand } from '../ipvs/ipvsCommand';
import { serviceNameFor } from './importNames';
import type { ImportDraft } from './importDraft';
import { emptyDraft } from './importDraft';
import { serviceDraft } from './serviceDraft';

export interface RulesImportOptions {
  /** Cluster name (default `imported`). */
  cluster?: string;
  /** The rules file's name, for the header comment. */
  source?: string;
}

export type RulesImport = { ok: true; draft: ImportDraft } | { ok: false; diagnostics: Diagnostic[] };

function notTable(cmd: IpvsCommand, line: string): string | undefined {
  switch (cmd.kind) {
    case 'set-timeout': return `"${line}" (connection timeouts) is not part of a cluster file: set it on the directors yourself`;
    case 'start-daemon': return `"${line}" (connection sync daemon) is not part of a cluster file: start it on the directors yourself`;
    case 'stop-daemon': return `"${line}" (stops a sync daemon) is not part of a cluster file`;
    default: return undefined;
  }
}

/** Service and real-server "addresses" that are host names (a save without -n). */
function hostNames(table: IpvsTable): string[] {
  const out = new Set<string>();
  for (const s of table.services) {
    if (s.key.kind === 'addr' && !parseAddress(s.key.address)) out.add(s.key.address);
    for (const rs of s.realServers) if (!parseAddress(rs.address)) out.add(rs.address);
  }
  return [...out];
}

export function draftFromRules(text: string, options: RulesImportOptions = {}): RulesImport {
  const parsed = parseRules(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, diagnostics: errors };
  const names = hostNames(parsed.table);
  if (names.length > 0) {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { ok: false, diagnostics: [{ range, severity: 'error', code: 'IMPORT001', message: `The rules name hosts instead of addresses (${names.join(', ')}): a cluster file needs addresses. Save the table with ipvsadm-save -n (ipvsadm -S -n) and import that.` }] };
  }
  const draft = emptyDraft([
    `Imported by lvsctl import from ${options.source ?? 'an ipvsadm rules file'}.`,
    'A rules file names no director: set host "director" (its ssh settings, address) and its interface.',
  ]);
  const dirNote = 'assumed: a rules file names no director; set its ssh destination, address and interface';
  draft.notes.push(dirNote);
  draft.hosts.push({ name: 'director', addresses: [], ssh: {}, comments: [dirNote] });
  const clusterComments: string[] = [];
  for (const line of parsed.lines) {
    const lost = line.ipvs ? notTable(line.ipvs, line.tokens.map((t) => t.text).join(' ')) : undefined;
    if (lost) { clusterComments.push(lost); draft.warnings.push(lost); }
  }
  const taken = new Set<string>();
  draft.clusters.push({
    name: options.cluster ?? 'imported',
    comments: clusterComments,
    directors: [{ host: 'director', interface: 'eth0', comments: ['assumed interface: the rules file does not say which one carries the VIPs'] }],
    sysctls: {},
    sysctlComments: [],
    services: sortServices(parsed.table.services).map((s) => serviceDraft(s, serviceNameFor(s, taken), () => ({ comments: [] }))),
  });
  return { ok: true, draft };
}
