/**
 * Plan preview of a cluster: each director's live state read in one exec (all directors concurrently), then
 * planned against the desired table. What `lvsctl plan`, `lvsctl apply`, the extension's plan diff and the
 * Clusters tree's live state all start from.
 */
import type { LiveState } from '../apply/liveState';
import { liveStateCommand } from '../apply/liveState';
import { sysctlChanges } from '../apply/sysctlSync';
import type { SysctlChange } from '../apply/sysctlSync';
import { tableRulesText } from '../plan/ipvsadmLines';
import { planJson, renderPlanText } from '../plan/planRender';
import { planTable } from '../plan/planTable';
import type { Plan } from '../plan/planTypes';
import type { SshPool } from '../ssh/connectionPool';
import type { LoadedCluster } from './clusterSelection';

export interface DirectorPreview {
  host: string;
  plan?: Plan;
  sysctls: SysctlChange[];
  live?: LiveState;
  /** Why the director could not be read (unreachable, auth, ipvsadm missing…). */
  error?: string;
}

/** Reads every director (one exec each, concurrently) and plans. */
export async function previewDirectors(pool: Pick<SshPool, 'runOnHosts'>, loaded: LoadedCluster, force = false): Promise<DirectorPreview[]> {
  const hosts = loaded.cluster.directors.map((d) => d.host);
  const outcomes = await pool.runOnHosts(hosts, () => liveStateCommand(loaded.cluster.name), { concurrency: Math.max(1, hosts.length) });
  return outcomes.map((o) => {
    if (!o.ok) return { host: o.host, sysctls: [], error: o.error.message };
    return planDirector(o.host, loaded, o.value, force);
  });
}

/** The preview of one director from its live state (pure). */
export function planDirector(host: string, loaded: LoadedCluster, live: LiveState, force = false): DirectorPreview {
  const plan = planTable(loaded.desired, { table: live.table, counters: live.counters }, { prune: loaded.cluster.prune, force, managed: live.managed });
  return { host, plan, sysctls: sysctlChanges(loaded.cluster.sysctls, live.sysctls), live };
}

export function previewHasChanges(p: DirectorPreview): boolean {
  return (p.plan?.steps.length ?? 0) > 0 || p.sysctls.length > 0 || (p.plan?.pending.length ?? 0) > 0;
}

export function previewText(p: DirectorPreview): string {
  const head = `${p.host}:`;
  if (p.error) return `${head}\n  ! cannot read the live table: ${p.error}\n`;
  const lines = [head];
  for (const c of p.sysctls) lines.push(`  ~ sysctl net.ipv4.vs.${c.name}: ${c.from ?? 'unset'} → ${c.to}`);
  return `${lines.join('\n')}\n${p.plan ? renderPlanText(p.plan) : ''}`;
}

export function previewJson(p: DirectorPreview): unknown {
  if (!p.plan) return { host: p.host, error: p.error ?? 'unknown', steps: [], pending: [], foreign: [], sysctls: [] };
  return { ...planJson(p.host, p.plan), sysctls: p.sysctls };
}

/** The live table as complete `ipvsadm -R` lines (the left side of a plan diff); empty when unread. */
export function liveRulesText(p: DirectorPreview): string {
  return p.live ? tableRulesText(p.live.table) : '';
}
