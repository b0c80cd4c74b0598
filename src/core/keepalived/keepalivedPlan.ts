/**
 * The plan of a keepalived cluster, per director (pure, from the live state read by keepalivedLiveCommand):
 * the unified diff of its keepalived.conf (live → rendered), the IPVS table keepalived will build from it
 * (and its diff against the cluster's services in the live table), and what stands in the way: keepalived
 * not installed, or a live keepalived.conf lvsctl did not write (hand-written, or another cluster's), which
 * apply replaces only when told to (`--take-over`).
 */

import { desiredService } from '../clusterFile/desiredTable';
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import type { IpvsService, IpvsTable } from '../ipvs/types';
import { serviceKeyString } from '../ipvs/types';
import { serviceKeyOf } from '../clusterFile/semanticChecks';
import { tableRulesText } from '../plan/ipvsadmLines';
import { managedHeader } from './keepalivedHeader';
import type { SshPool } from '../ssh/connectionPool';
import type { KeepalivedLive } from './keepalivedRemote';
import { KEEPALIVED_CONF, keepalivedLiveCommand } from './keepalivedRemote';
import { findKeepalivedCluster, renderKeepalivedConf } from './renderKeepalivedConf';
import { unifiedDiff } from './unifiedDiff';

export interface KeepalivedDirectorPlan {
  host: string;
  /** Why the director could not be read. */
  error?: string;
  live?: KeepalivedLive;
  /** The keepalived.conf apply writes. */
  conf: string;
  /** Live → rendered; '' when they are the same (after normalising blanks). */
  confDiff: string;
  /** Set when the live keepalived.conf exists but is not lvsctl's for this cluster and director. */
  foreignConf?: string;
  /** keepalived is installed but not running (apply starts it). */
  notRunning: boolean;
  /** keepalived is not installed: nothing can be applied. */
  missingBinary: boolean;
  /** The IPVS table keepalived builds when every check passes. */
  expected: IpvsTable;
  /** The cluster's services in the live table → `expected`, as ipvsadm -S lines. */
  tableDiff: string;
}

/** Blanks that do not change what keepalived reads: CRLF, trailing blanks, blank lines at the end. */
export function normaliseConf(text: string): string {
  return `${text.replace(/\r\n/g, '\n').split('\n').map((l) => l.replace(/[ \t]+$/, '')).join('\n').replace(/\n+$/, '')}\n`;
}

/** The service as keepalived programs it: thresholds are not read back (ipvsadm -S omits them); sh/mh flags only. */
function asKeepalivedBuildsIt(s: IpvsService): IpvsService {
  const out: IpvsService = { ...s, realServers: s.realServers.map((rs) => ({ ...rs, upperThreshold: 0, lowerThreshold: 0 })) };
  if (s.scheduler !== 'sh' && s.scheduler !== 'mh') out.schedFlags = [];
  return out;
}

/** The IPVS table keepalived builds for `cluster` when every real server passes its check. */
export function keepalivedExpectedTable(cluster: ClusterSpec): IpvsTable {
  return { services: cluster.services.map((s) => asKeepalivedBuildsIt(desiredService(s))) };
}

/** The live table restricted to the cluster's service keys, thresholds cleared (what keepalived owns there). */
export function clusterPartOf(live: IpvsTable, cluster: ClusterSpec): IpvsTable {
  const keys = new Set(cluster.services.map((s) => serviceKeyString(serviceKeyOf(s))));
  return { services: live.services.filter((s) => keys.has(serviceKeyString(s.key))).map((s) => ({ ...s, realServers: s.realServers.map((rs) => ({ ...rs, upperThreshold: 0, lowerThreshold: 0 })) })) };
}

export function planKeepalivedDirector(model: ClusterFile, clusterName: string, host: string, sourceLabel: string, live: KeepalivedLive | undefined, error?: string): KeepalivedDirectorPlan {
  const cluster = findKeepalivedCluster(model, clusterName);
  const conf = renderKeepalivedConf({ model, cluster: clusterName, director: host, sourceLabel });
  const expected = keepalivedExpectedTable(cluster);
  const plan: KeepalivedDirectorPlan = {
    host, conf, confDiff: '', notRunning: false, missingBinary: false, expected, tableDiff: '',
  };
  if (error !== undefined || !live) {
    plan.error = error ?? 'not read';
    return plan;
  }
  plan.live = live;
  plan.missingBinary = live.binary === undefined;
  plan.notRunning = live.pid === undefined;
  const before = live.conf === undefined ? '' : normaliseConf(live.conf);
  plan.confDiff = unifiedDiff(before, normaliseConf(conf), {
    before: `${host}:${KEEPALIVED_CONF}${live.conf === undefined ? ' (none)' : ''}`,
    after: `${host}:${KEEPALIVED_CONF} (rendered)`,
  });
  if (live.conf !== undefined && plan.confDiff !== '') {
    const header = managedHeader(live.conf);
    if (!header) plan.foreignConf = 'hand-written (no lvsctl header)';
    else if (header.cluster !== clusterName || header.director !== host) plan.foreignConf = `lvsctl's for cluster ${header.cluster}, director ${header.director}`;
  }
  plan.tableDiff = unifiedDiff(tableRulesText(clusterPartOf(live.table, cluster)), tableRulesText(expected), {
    before: `${host}: IPVS (live, cluster ${clusterName})`,
    after: `${host}: IPVS (keepalived builds, every check passing)`,
  });
  return plan;
}

/** Something to do on this director: a new configuration, or keepalived to start. */
export function keepalivedPlanHasChanges(p: KeepalivedDirectorPlan): boolean {
  return p.confDiff !== '' || p.notRunning;
}

/** The plan of one director as text (lvsctl plan / apply). */
export function keepalivedPlanText(p: KeepalivedDirectorPlan): string {
  const out = [`${p.host}: (engine keepalived)`];
  if (p.error !== undefined) return `${out[0]}\n  ! cannot read the director: ${p.error}\n`;
  if (p.missingBinary) out.push('  ! keepalived is not installed (Debian/Ubuntu: apt-get install keepalived; RHEL: dnf install keepalived); nothing can be applied');
  if (p.foreignConf !== undefined) {
    out.push(`  ! ${KEEPALIVED_CONF} is ${p.foreignConf}: apply refuses to replace it unless --take-over is given (the file is kept as ${KEEPALIVED_CONF}.lvsctl-prev)`);
  }
  if (p.confDiff === '') out.push(`  = ${KEEPALIVED_CONF} matches the file`);
  else out.push(`  ~ ${KEEPALIVED_CONF}:`, p.confDiff.replace(/\n$/, '').replace(/^/gm, '    '));
  if (p.notRunning && !p.missingBinary) out.push('  + keepalived is not running: apply starts it');
  if (p.tableDiff === '') out.push('  = IPVS table: keepalived\'s services match the file');
  else out.push('  ~ IPVS table keepalived will build (while every check passes):', p.tableDiff.replace(/\n$/, '').replace(/^/gm, '    '));
  return `${out.join('\n')}\n`;
}

/** Reads every director of the cluster (one exec each, concurrently) and plans it. */
export async function previewKeepalivedDirectors(pool: Pick<SshPool, 'runOnHosts'>, model: ClusterFile, clusterName: string, sourceLabel: string): Promise<KeepalivedDirectorPlan[]> {
  const hosts = findKeepalivedCluster(model, clusterName).directors.map((d) => d.host);
  const outcomes = await pool.runOnHosts(hosts, () => keepalivedLiveCommand(), { concurrency: Math.max(1, hosts.length) });
  return outcomes.map((o) => (o.ok
    ? planKeepalivedDirector(model, clusterName, o.host, sourceLabel, o.value)
    : planKeepalivedDirector(model, clusterName, o.host, sourceLabel, undefined, o.error.message)));
}

/** The plan of one director as JSON (lvsctl plan --json). */
export function keepalivedPlanJson(p: KeepalivedDirectorPlan): unknown {
  return {
    host: p.host, engine: 'keepalived', changes: keepalivedPlanHasChanges(p), confDiff: p.confDiff, tableDiff: p.tableDiff,
    notRunning: p.notRunning, missingBinary: p.missingBinary,
    ...(p.foreignConf !== undefined ? { foreignConf: p.foreignConf } : {}), ...(p.error !== undefined ? { error: p.error } : {}),
  };
}
