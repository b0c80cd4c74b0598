/**
 * Applying a cluster: every director at once (each under its own apply lock, each rolled back on its own
 * failure), from the previews the user confirmed (`expected`: a director whose table changed since is
 * refused). One AbortSignal cancels every director; each then restores its snapshot. Plus the text that
 * reports a director's result, shared by lvsctl and the extension.
 */
import type { ApplyOptions, DirectorLink, DirectorResult } from '../apply/applyDirector';
import { applyDirector, poolLink } from '../apply/applyDirector';
import type { SshPool } from '../ssh/connectionPool';
import { keepalivedOwnedServiceKeys } from '../keepalived/keepalivedOwned';
import type { LoadedCluster } from './clusterSelection';
import type { DirectorPreview } from './directorPreview';

/** What applyDirector takes that is the same for every director (the rest comes from the cluster and its preview). */
export type ApplyClusterOptions = Pick<ApplyOptions, 'force' | 'drainTimeoutMs' | 'drainPollMs' | 'persist' | 'lockWaitSeconds' | 'holder' | 'signal' | 'onEvent' | 'confirmWithinSeconds' | 'confirm'> & {
  /** How a director is reached (default: `poolLink(pool, host)`); tests swap it. */
  link?(host: string): DirectorLink;
};

/**
 * `confirm` asked ONCE for the whole cluster: when every director has either reached its confirmation
 * point or finished without one; every director that asked gets the same answer.
 */
function sharedConfirm(count: number, ask: () => Promise<'commit' | 'rollback' | 'detach'>): { ask(): Promise<'commit' | 'rollback' | 'detach'>; arrive(): void } {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((r) => { release = r; });
  let answer: Promise<'commit' | 'rollback' | 'detach'> | undefined;
  const arrive = (): void => { if (++arrived >= count) release(); };
  return { ask: () => { arrive(); return (answer ??= all.then(ask)); }, arrive };
}

/** Applies to every director of the previews concurrently; results in preview order. */
export async function applyCluster(pool: SshPool, loaded: LoadedCluster, previews: readonly DirectorPreview[], options: ApplyClusterOptions): Promise<DirectorResult[]> {
  // keepalived owns the IPVS services of an engine: keepalived cluster (it does not restore what others change):
  // the ipvsadm engine never writes them; its own apply is core/keepalived/applyKeepalivedCluster.ts.
  if (loaded.cluster.engine === 'keepalived') {
    throw new Error(`cluster ${loaded.cluster.name} has engine keepalived: keepalived owns its IPVS table, the ipvsadm engine does not write it`);
  }
  const link = options.link ?? ((host: string) => poolLink(pool, host));
  const confirm = options.confirm ? sharedConfirm(previews.length, options.confirm) : undefined;
  return Promise.all(previews.map((p) => {
    let asked = false;
    const ask = confirm ? { confirm: () => { asked = true; return confirm.ask(); } } : {};
    return applyOne(link(p.host), loaded, p, options, ask).finally(() => { if (!asked) confirm?.arrive(); });
  }));
}

function applyOne(link: DirectorLink, loaded: LoadedCluster, p: DirectorPreview, options: ApplyClusterOptions, ask: Pick<ApplyOptions, 'confirm'>): Promise<DirectorResult> {
  return applyDirector(link, {
    cluster: loaded.cluster.name,
    desired: loaded.desired,
    sysctls: loaded.cluster.sysctls,
    prune: loaded.cluster.prune,
    keep: keepalivedOwnedServiceKeys(loaded.model),
    force: options.force ?? false,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    ...(options.drainPollMs !== undefined ? { drainPollMs: options.drainPollMs } : {}),
    persist: options.persist ?? false,
    lockWaitSeconds: options.lockWaitSeconds ?? 30,
    holder: options.holder,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(p.live ? { expected: p.live } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.confirmWithinSeconds !== undefined ? { confirmWithinSeconds: options.confirmWithinSeconds } : {}),
    ...ask,
  });
}

/** The worst outcome first: what a summary line should say. */
export function overallStatus(results: readonly DirectorResult[]): DirectorResult['status'] {
  const order: DirectorResult['status'][] = ['rollback-failed', 'rolled-back', 'not-applied', 'awaiting-confirmation', 'applied', 'unchanged'];
  for (const s of order) if (results.some((r) => r.status === s)) return s;
  return 'unchanged';
}

/** One director's result as text (several lines; the failing line and ipvsadm's words when it failed). */
export function applyResultText(r: DirectorResult): string {
  const out: string[] = [];
  switch (r.status) {
    case 'unchanged': out.push(`${r.host}: nothing to do`); break;
    case 'applied': out.push(`${r.host}: applied ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}${r.sysctls.length ? `, ${r.sysctls.length} sysctl${r.sysctls.length === 1 ? '' : 's'}` : ''}; read back equals the file`); break;
    case 'awaiting-confirmation': out.push(`${r.host}: applied ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}, read back equals the file; NOT CONFIRMED yet: the director rolls it back by itself unless \`lvsctl apply --confirm\` runs within ${r.confirmWithinSeconds ?? '?'} s`); break;
    case 'not-applied': out.push(`${r.host}: NOT applied (nothing changed): ${r.error ?? ''}`); break;
    case 'rolled-back': out.push(`${r.host}: FAILED, rolled back to the snapshot: ${r.error ?? ''}`); break;
    case 'rollback-failed': out.push(`${r.host}: FAILED and the ROLLBACK FAILED: ${r.error ?? ''}; rollback: ${r.rollbackError ?? ''}`); break;
  }
  if (r.previousGuardian) out.push(`  note: ${r.previousGuardian}`);
  if (r.status === 'applied' && r.error) out.push(`  but: ${r.error}`);
  if (r.failedLine) out.push(`  failing line ${r.failedLine.index + 1}: ${r.failedLine.line}\n  ipvsadm said: ${r.failedLine.message}`);
  for (const line of r.drainDeletes) out.push(`  deleted after draining: ${line}`);
  for (const p of r.pending) out.push(`  still draining: ${p.server} of ${p.service}`);
  if (r.persisted) out.push(`  boot rules ${r.persisted.path}: ${r.persisted.status}`);
  if (r.status === 'rollback-failed' && r.snapshotText !== undefined) {
    out.push(`  snapshot (ipvsadm -S -n before apply; thresholds not shown):\n${r.snapshotText.replace(/^/gm, '    ')}`);
  }
  return `${out.join('\n')}\n`;
}
