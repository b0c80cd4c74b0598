/**
 * Plan preview of a cluster: each director's live state read in one exec (all directors concurrently), then
 * planned against the desired table. What `lvsctl plan`, `lvsctl apply`, the extension's plan diff and the
 * Clusters tree's live state all start from.
 */
import type { LiveState } from '../apply/liveState';
import { liveStateCommand } from '../apply/liveState';
import { sysctlChanges } from '../apply/sysctlSync';
import type { SysctlChange } from '../apply/sysctlSync';
import type { KernelProblem } from '../apply/kernelSupport';
import { kernelProblems } from '../apply/kernelSupport';
import { tableRulesText } from '../plan/ipvsadmLines';
import { planJson, planSummary, renderPlanText } from '../plan/planRender';
import { planTable } from '../plan/planTable';
import type { Plan } from '../plan/planTypes';
import type { SshPool } from '../ssh/connectionPool';
import { keepalivedOwnedServiceKeys } from '../keepalived/keepalivedOwned';
import type { LoadedCluster } from './clusterSelection';

export interface DirectorPreview {
  host: string;
  plan?: Plan;
  sysctls: SysctlChange[];
  live?: LiveState;
  /** Services the director's kernel cannot hold (a missing scheduler module, …): apply refuses them. */
  kernel?: KernelProblem[];
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
  const plan = planTable(loaded.desired, { table: live.table, counters: live.counters }, { prune: loaded.cluster.prune, force, managed: live.managed, keep: keepalivedOwnedServiceKeys(loaded.model) });
  const preview: DirectorPreview = { host, plan, sysctls: sysctlChanges(loaded.cluster.sysctls, live.sysctls), live };
  const lacking = kernelProblems(loaded.desired, live.kernel);
  if (lacking.length > 0) preview.kernel = lacking;
  return preview;
}

export function previewHasChanges(p: DirectorPreview): boolean {
  return (p.plan?.steps.length ?? 0) > 0 || p.sysctls.length > 0 || (p.plan?.pending.length ?? 0) > 0;
}

export function previewText(p: DirectorPreview): string {
  const head = `${p.host}:`;
  if (p.error) return `${head}\n  ! cannot read the live table: ${p.error}\n`;
  const lines = [head];
  for (const k of p.kernel ?? []) lines.push(`  ! ${k.message} [${k.code}]: apply refuses this director`);
  for (const c of p.sysctls) lines.push(`  ~ sysctl net.ipv4.vs.${c.name}: ${c.from ?? 'unset'} → ${c.to}`);
  return `${lines.join('\n')}\n${p.plan ? renderPlanText(p.plan) : ''}`;
}

export function previewJson(p: DirectorPreview): unknown {
  if (!p.plan) return { host: p.host, error: p.error ?? 'unknown', steps: [], pending: [], foreign: [], sysctls: [] };
  return { ...planJson(p.host, p.plan), sysctls: p.sysctls, ...(p.kernel ? { kernel: p.kernel } : {}) };
}

/** The live table as complete `ipvsadm -R` lines (the left side of a plan diff); empty when unread. */
export function liveRulesText(p: DirectorPreview): string {
  return p.live ? tableRulesText(p.live.table) : '';
}

/**
 * Short enough for a confirmation dialog: per director its counts, then the exact ipvsadm lines while the
 * budget lasts, then how many more (pure).
 */
export function previewSummaryLines(previews: readonly DirectorPreview[], maxLines = 14): string[] {
  const heads: string[] = [];
  const steps: string[] = [];
  for (const p of previews) {
    if (!p.plan) { heads.push(`${p.host}: cannot be read (${p.error ?? 'unknown'})`); continue; }
    if (!previewHasChanges(p)) { heads.push(`${p.host}: matches the file`); continue; }
    const s = planSummary(p.plan);
    const parts = [`${s.add} to add`, `${s.change} to change`, `${s.drain} to drain`, `${s.delete} to delete`];
    if (p.sysctls.length) parts.push(`${p.sysctls.length} sysctl${p.sysctls.length === 1 ? '' : 's'}`);
    if (p.plan.pending.length) parts.push(`${p.plan.pending.length} draining`);
    heads.push(`${p.host}: ${parts.join(', ')}`);
    const prefix = previews.length > 1 ? `${p.host}  ` : '';
    for (const c of p.sysctls) steps.push(`${prefix}sysctl net.ipv4.vs.${c.name}=${c.to}`);
    for (const st of p.plan.steps) steps.push(`${prefix}${st.line}`);
  }
  const room = Math.max(0, maxLines - heads.length - 1);
  if (steps.length === 0) return heads;
  if (steps.length <= room + 1) return [...heads, '', ...steps];
  return [...heads, '', ...steps.slice(0, room), `… ${steps.length - room} more (Show Plan Details)`];
}
