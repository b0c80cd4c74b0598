/**
 * Applying the BIRD side of an active-active cluster, like the keepalived apply:
 *
 *  1. plan: read every director (bird.conf, binary, control socket, protocols) and render its bird.conf;
 *     refuse (nothing touched) when a director cannot be read, has no BIRD, or holds a bird.conf lvsctl did
 *     not write (unless `takeOver`);
 *  2. on every director to change, under its BIRD apply lock: write NEW beside the live file and check it
 *     with that director's own `bird -p -c NEW`; if any director refuses it, remove every NEW file and stop;
 *  3. swap NEW in (the previous file kept) and `birdc configure` (or start BIRD);
 *  4. read back every director until each session lvsctl renders is Established and exports exactly the
 *     VIPs of its family;
 *  5. otherwise put the previous configuration back on the directors that were changed (no previous file:
 *     BIRD is stopped, which withdraws the routes) and reload.
 */

import { acquireLock, lockSpec, type HeldLock } from '../apply/remoteLock';
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import type { SshPool } from '../ssh/connectionPool';
import type { RemoteCommand } from '../ssh/remoteCommand';
import {
  BIRD_LOCK_DIR, birdLiveCommand, checkNewBirdConfCommand, discardNewBirdConfCommand, exportedRoutesCommand, reloadBirdCommand,
  restoreBirdConfCommand, swapBirdConfCommand, writeNewBirdConfCommand, type BirdConfCheck, type BirdLive, type BirdReload,
} from './birdRemote';
import { birdManagedHeader, findActiveActiveCluster, peerProtocolName, renderBirdConf } from './renderBirdConf';

/** How a director is reached; tests swap it. */
export interface BirdLink {
  readonly host: string;
  run<T>(command: RemoteCommand<T>): Promise<T>;
  lock(holder: string, waitSeconds: number): Promise<HeldLock>;
}

export function birdPoolLink(pool: SshPool, host: string): BirdLink {
  return { host, run: (c) => pool.run(host, c), lock: (holder, wait) => acquireLock(pool, host, lockSpec(holder, wait, BIRD_LOCK_DIR)) };
}

export interface BirdDirectorPlan {
  host: string;
  /** The bird.conf the director gets. */
  conf: string;
  live?: BirdLive;
  /** The live file differs from `conf`, or BIRD does not run. */
  changes: boolean;
  /** Why the live bird.conf is not lvsctl's (no header, or another cluster's / director's). */
  foreignConf?: string;
  error?: string;
}

export type BirdStatus = 'unchanged' | 'applied' | 'not-applied' | 'rolled-back' | 'rollback-failed';

export interface BirdDirectorResult {
  host: string;
  status: BirdStatus;
  check?: BirdConfCheck;
  reload?: BirdReload;
  error?: string;
  rollbackError?: string;
}

export interface BirdApplyOptions {
  takeOver: boolean;
  holder: string;
  lockWaitSeconds: number;
  /** How long the read back may take (default: twice the hold time + 10 s). */
  readbackTimeoutMs?: number;
  pollMs?: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads every director of the cluster and renders its bird.conf. */
export async function planBirdCluster(link: (host: string) => BirdLink, model: ClusterFile, clusterName: string, sourceLabel: string): Promise<BirdDirectorPlan[]> {
  const cluster = findActiveActiveCluster(model, clusterName);
  return Promise.all(cluster.directors.map(async (d): Promise<BirdDirectorPlan> => {
    const conf = renderBirdConf({ model, cluster: clusterName, director: d.host, sourceLabel });
    try {
      const live = await link(d.host).run(birdLiveCommand());
      const plan: BirdDirectorPlan = { host: d.host, conf, live, changes: !live.running || sameBody(live.conf) !== sameBody(conf) };
      if (!live.binary) plan.error = 'BIRD is not installed (Debian: apt install bird2)';
      if (live.conf !== undefined) {
        const h = birdManagedHeader(live.conf);
        if (!h) plan.foreignConf = 'not written by lvsctl';
        else if (h.cluster !== clusterName || h.director !== d.host) plan.foreignConf = `lvsctl's for cluster ${h.cluster}, director ${h.director}`;
      }
      return plan;
    } catch (err) {
      return { host: d.host, conf, changes: true, error: `cannot be read: ${message(err)}` };
    }
  }));
}

/** The file without its first comment line (which names the source file, a label, not content). */
function sameBody(text: string | undefined): string | undefined {
  return text?.replace(/^# bird\.conf of .*\n/, '').replace(/\n$/, '');
}

/** One read of every director: each rendered session Established, exporting exactly its family's VIPs. */
export async function readBackBird(link: (host: string) => BirdLink, cluster: ClusterSpec, hosts: readonly string[]): Promise<string[]> {
  const bgp = cluster.bgp;
  if (!bgp) return ['the cluster has no bgp settings'];
  const problems: string[] = [];
  await Promise.all(hosts.map(async (h) => {
    try {
      const live = await link(h).run(birdLiveCommand());
      if (!live.running) {
        problems.push(`${h}: BIRD is not running`);
        return;
      }
      for (const [i, peer] of bgp.peers.entries()) {
        const name = peerProtocolName(i + 1);
        const p = live.protocols.find((x) => x.name === name);
        if (!p) {
          problems.push(`${h}: no protocol ${name} (peer ${peer.address})`);
          continue;
        }
        if (p.state !== 'up' || !/Established/.test(p.info)) {
          problems.push(`${h}: session to ${peer.address} is ${p.state} ${p.info}`.trim());
          continue;
        }
        const want = bgp.announce.filter((a) => a.includes(':') === (peer.family === 'inet6')).map((a) => `${a}/${a.includes(':') ? 128 : 32}`).sort();
        const got = (await link(h).run(exportedRoutesCommand(name))).sort();
        if (want.join(' ') !== got.join(' ')) problems.push(`${h}: exports ${got.join(', ') || 'nothing'} to ${peer.address}, want ${want.join(', ') || 'nothing'}`);
      }
    } catch (err) {
      problems.push(`${h}: cannot be read: ${message(err)}`);
    }
  }));
  return problems.sort();
}

export async function applyBirdCluster(link: (host: string) => BirdLink, model: ClusterFile, clusterName: string,
  plans: readonly BirdDirectorPlan[], options: BirdApplyOptions): Promise<BirdDirectorResult[]> {
  const cluster = findActiveActiveCluster(model, clusterName);
  const results = new Map<string, BirdDirectorResult>(plans.map((p) => [p.host, { host: p.host, status: 'unchanged' }]));
  const list = (): BirdDirectorResult[] => plans.map((p) => results.get(p.host) as BirdDirectorResult);
  const refuse = (why: (p: BirdDirectorPlan) => string | undefined): boolean => {
    const reasons = new Map(plans.map((p) => [p.host, why(p)] as const).filter(([, r]) => r !== undefined));
    if (reasons.size === 0) return false;
    for (const p of plans) results.set(p.host, { host: p.host, status: 'not-applied', error: reasons.get(p.host) ?? 'not applied: another director cannot be applied (nothing changed anywhere)' });
    return true;
  };
  if (refuse((p) => p.error)) return list();
  if (!options.takeOver && refuse((p) => (p.foreignConf !== undefined ? `bird.conf is ${p.foreignConf}; not replaced without --take-over` : undefined))) return list();
  const changing = plans.filter((p) => p.changes);
  if (changing.length === 0) return list();
  const locks: HeldLock[] = [];
  const swapped: string[] = [];
  try {
    for (const p of changing) locks.push(await link(p.host).lock(options.holder, options.lockWaitSeconds));
    // 1. NEW and bird -p everywhere before anything is swapped.
    const checks = await Promise.all(changing.map(async (p) => {
      try {
        await link(p.host).run(writeNewBirdConfCommand(p.conf));
        return { host: p.host, check: await link(p.host).run(checkNewBirdConfCommand()) };
      } catch (err) {
        return { host: p.host, error: `writing or checking the new configuration failed: ${message(err)}` };
      }
    }));
    const refused = checks.filter((c) => c.error !== undefined || (c.check && c.check.exitCode !== 0));
    if (refused.length > 0) {
      await Promise.all(changing.map((p) => link(p.host).run(discardNewBirdConfCommand()).catch(() => undefined)));
      for (const p of plans) {
        const c = checks.find((x) => x.host === p.host);
        const r: BirdDirectorResult = { host: p.host, status: 'not-applied' };
        if (c?.check) r.check = c.check;
        r.error = c?.error ?? (c?.check && c.check.exitCode !== 0 ? `bird -p refused the new configuration (exit ${c.check.exitCode})` : 'not applied: another director refused the configuration (nothing changed anywhere)');
        results.set(p.host, r);
      }
      return list();
    }
    // 2. Swap and reload.
    let failed = false;
    for (const c of checks) {
      const r: BirdDirectorResult = { host: c.host, status: 'applied' };
      if (c.check) r.check = c.check;
      try {
        await link(c.host).run(swapBirdConfCommand());
        swapped.push(c.host);
        r.reload = await link(c.host).run(reloadBirdCommand());
      } catch (err) {
        failed = true;
        r.status = 'rolled-back';
        r.error = `swapping in or reloading the configuration failed: ${message(err)}`;
      }
      results.set(c.host, r);
    }
    // 3. Read back.
    const timeoutMs = options.readbackTimeoutMs ?? (2 * (cluster.bgp?.holdTime ?? 90) + 10) * 1000;
    const deadline = Date.now() + timeoutMs;
    let problems = ['not read back'];
    while (!failed) {
      problems = await readBackBird(link, cluster, plans.map((p) => p.host));
      if (problems.length === 0) return list();
      if (Date.now() >= deadline) break;
      await sleep(options.pollMs ?? 500);
    }
    // 4. Restore what was swapped.
    const why = failed ? undefined : `read back failed after ${Math.round(timeoutMs / 1000)} s: ${problems.join('; ')}`;
    for (const p of changing) {
      const r = results.get(p.host) as BirdDirectorResult;
      if (why !== undefined) r.error = why;
      r.status = 'rolled-back';
      try {
        if (swapped.includes(p.host)) await link(p.host).run(restoreBirdConfCommand());
      } catch (err) {
        r.status = 'rollback-failed';
        r.rollbackError = message(err);
      }
    }
    return list();
  } finally {
    for (const l of locks) l.release();
  }
}

/** One director's result as text. */
export function birdResultText(r: BirdDirectorResult): string {
  const out: string[] = [];
  switch (r.status) {
    case 'unchanged': out.push(`${r.host}: bird.conf: nothing to do`); break;
    case 'applied': out.push(`${r.host}: bird.conf applied (BIRD ${r.reload ?? 'reconfigured'}); every session Established, exporting exactly the VIPs`); break;
    case 'not-applied': out.push(`${r.host}: bird.conf NOT applied (nothing changed): ${r.error ?? ''}`); break;
    case 'rolled-back': out.push(`${r.host}: bird.conf FAILED, previous configuration restored: ${r.error ?? ''}`); break;
    case 'rollback-failed': out.push(`${r.host}: bird.conf FAILED and the RESTORE FAILED: ${r.error ?? ''}; restore: ${r.rollbackError ?? ''}`); break;
  }
  if (r.check && r.check.exitCode !== 0) out.push(`  bird -p said:\n${(r.check.output || '(nothing)').replace(/^/gm, '    ')}`);
  return `${out.join('\n')}\n`;
}
