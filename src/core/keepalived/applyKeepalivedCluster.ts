/**
 * Applying a keepalived cluster, from the plans the user saw:
 *
 *  1. refuse (nothing touched) when a director cannot be read, has no keepalived, or holds a keepalived.conf
 *     lvsctl did not write (unless `takeOver`);
 *  2. on every director to change, under its keepalived apply lock: write the new configuration beside the
 *     live one and check it with that director's own `keepalived -t -f NEW`; if any director refuses it,
 *     remove every NEW file and stop — nothing changed anywhere, the VIPs stay where they are;
 *  3. swap NEW in (one rename; the previous file kept) and reload (systemd, or SIGHUP to the pid file's
 *     process, or start keepalived);
 *  4. read back every director until the VIPs are held by exactly one director and each director's IPVS
 *     table is what keepalived builds from the file given its checkers' verdicts (a checked real server may be
 *     missing, or at weight 0 with inhibitOnFailure; an unchecked one must be there);
 *  5. otherwise put the previous configuration back on the directors that were changed and reload again.
 */

import type { HeldLock } from '../apply/remoteLock';
import { acquireLock, lockSpec } from '../apply/remoteLock';
import { clusterVips } from '../clusterFile/clusterVips';
import type { ClusterFile, ClusterSpec, RealServerSpec } from '../clusterFile/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { IpvsTable } from '../ipvs/types';
import type { SshPool } from '../ssh/connectionPool';
import type { RemoteCommand } from '../ssh/remoteCommand';
import { clusterPartOf, keepalivedExpectedTable, keepalivedPlanHasChanges, type KeepalivedDirectorPlan } from './keepalivedPlan';
import type { ConfCheck, KeepalivedLive, ReloadAction } from './keepalivedRemote';
import {
  bridgeVipsCommand, unbridgeVipsCommand,
  checkNewConfCommand, confCheckMeaning, discardNewConfCommand, KEEPALIVED_CONF_NEW, KEEPALIVED_LOCK_DIR, keepalivedLiveCommand, reloadCommand,
  restoreConfCommand, swapConfCommand, writeNewConfCommand,
} from './keepalivedRemote';
import { checkSourceText, mapCheckOutput } from './keepalivedCheckMap';
import type { CheckSource } from './keepalivedCheckMap';
import { findKeepalivedCluster, renderKeepalivedConfLines } from './renderKeepalivedConf';

/** How a director is reached; tests swap it. */
export interface KeepalivedLink {
  readonly host: string;
  run<T>(command: RemoteCommand<T>): Promise<T>;
  lock(holder: string, waitSeconds: number): Promise<HeldLock>;
}

export function keepalivedPoolLink(pool: SshPool, host: string): KeepalivedLink {
  return {
    host,
    run: (c) => pool.run(host, c),
    lock: (holder, wait) => acquireLock(pool, host, lockSpec(holder, wait, KEEPALIVED_LOCK_DIR)),
  };
}

export interface KeepalivedApplyOptions {
  /** Replace live keepalived.conf files lvsctl did not write. */
  takeOver: boolean;
  holder: string;
  lockWaitSeconds: number;
  /** How long the read back may take (default: 3 advert intervals + the slowest check's detection time + 10 s). */
  readbackTimeoutMs?: number;
  pollMs?: number;
  onEvent?(host: string, phase: string, detail?: string): void;
}

export type KeepalivedStatus = 'unchanged' | 'applied' | 'not-applied' | 'rolled-back' | 'rollback-failed';

export interface KeepalivedDirectorResult {
  host: string;
  status: KeepalivedStatus;
  check?: ConfCheck;
  /** The lines keepalived -t complained about, mapped to the cluster-file items they were rendered from. */
  checkSources?: CheckSource[];
  reload?: ReloadAction;
  error?: string;
  rollbackError?: string;
}

export interface KeepalivedApplyResult {
  directors: KeepalivedDirectorResult[];
  /** Directors holding the cluster's VIPs at the last read back. */
  vipHolders: string[];
  /** Real servers keepalived's checks hold out of the table (or at weight 0), per director: `service server`. */
  down: Record<string, string[]>;
}

/** What the read back found on one director: problems (must be empty) and servers down by their checks. */
export function compareKeepalivedTable(cluster: ClusterSpec, live: IpvsTable): { problems: string[]; down: string[] } {
  const expected = keepalivedExpectedTable(cluster);
  const have = new Map(clusterPartOf(live, cluster).services.map((s) => [serviceKeyString(s.key), s]));
  const problems: string[] = [];
  const down: string[] = [];
  cluster.services.forEach((spec, i) => {
    const want = expected.services[i];
    const key = serviceKeyString(want.key);
    const got = have.get(key);
    if (!got) {
      problems.push(`service ${key} is missing`);
      return;
    }
    if (got.scheduler !== want.scheduler) problems.push(`service ${key}: scheduler ${got.scheduler}, want ${want.scheduler}`);
    if ((got.persistence?.timeout ?? 0) !== (want.persistence?.timeout ?? 0)) problems.push(`service ${key}: persistence ${got.persistence?.timeout ?? 'none'}, want ${want.persistence?.timeout ?? 'none'}`);
    const gotServers = new Map(got.realServers.map((rs) => [realServerKeyString(rs), rs]));
    want.realServers.forEach((w, j) => {
      const rsSpec: RealServerSpec = spec.realServers[j];
      const k = realServerKeyString(w);
      const g = gotServers.get(k);
      gotServers.delete(k);
      const checked = rsSpec.healthCheck !== undefined;
      if (!g) {
        if (checked && !rsSpec.healthCheck?.inhibitOnFailure) down.push(`${key} ${k}`);
        else problems.push(`service ${key}: real server ${k} is missing`);
        return;
      }
      if (g.method !== w.method) problems.push(`service ${key}: real server ${k} method ${g.method}, want ${w.method}`);
      if (g.weight !== w.weight) {
        if (g.weight === 0 && rsSpec.healthCheck?.inhibitOnFailure) down.push(`${key} ${k}`);
        else problems.push(`service ${key}: real server ${k} weight ${g.weight}, want ${w.weight}`);
      }
    });
    for (const k of gotServers.keys()) problems.push(`service ${key}: real server ${k} is not in the file`);
  });
  return { problems, down };
}

/** The directors whose interfaces hold any VIP of the cluster, and whether some hold only part of them. */
export function vipHolders(cluster: ClusterSpec, lives: ReadonlyMap<string, KeepalivedLive>): { holders: string[]; partial: string[] } {
  const vips = clusterVips(cluster);
  const holders: string[] = [];
  const partial: string[] = [];
  for (const [host, live] of lives) {
    // On lo a VIP is a host address (DR real servers, the bridge while keepalived starts), never VRRP's.
    const held = vips.filter((v) => live.addresses.some((a) => a.address === v && a.dev !== 'lo'));
    if (held.length === vips.length && vips.length > 0) holders.push(host);
    else if (held.length > 0) partial.push(host);
  }
  return { holders, partial };
}

function detectionSeconds(cluster: ClusterSpec): number {
  let worst = 0;
  for (const s of cluster.services) {
    for (const rs of s.realServers) {
      const c = rs.healthCheck;
      if (c) worst = Math.max(worst, c.interval + (c.timeout + c.retryDelay) * (c.retries + 1));
    }
  }
  return worst;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Applies the plans (one per director of the cluster, from planKeepalivedDirector). */
export async function applyKeepalivedCluster(link: (host: string) => KeepalivedLink, model: ClusterFile, clusterName: string,
  plans: readonly KeepalivedDirectorPlan[], options: KeepalivedApplyOptions): Promise<KeepalivedApplyResult> {
  const cluster = findKeepalivedCluster(model, clusterName);
  const results = new Map<string, KeepalivedDirectorResult>(plans.map((p) => [p.host, { host: p.host, status: 'unchanged' }]));
  const result = (): KeepalivedApplyResult => ({ directors: plans.map((p) => results.get(p.host) as KeepalivedDirectorResult), vipHolders: [], down: {} });
  const refuse = (why: (p: KeepalivedDirectorPlan) => string | undefined): boolean => {
    const reasons = plans.map((p) => [p, why(p)] as const).filter(([, r]) => r !== undefined);
    if (reasons.length === 0) return false;
    for (const p of plans) {
      const r = reasons.find(([q]) => q.host === p.host)?.[1];
      results.set(p.host, { host: p.host, status: 'not-applied', error: r ?? 'not applied: another director cannot be applied (nothing changed anywhere)' });
    }
    return true;
  };
  if (refuse((p) => p.error ?? (p.missingBinary ? 'keepalived is not installed' : undefined))) return result();
  if (!options.takeOver && refuse((p) => (p.foreignConf !== undefined ? `keepalived.conf is ${p.foreignConf}; not replaced without --take-over` : undefined))) return result();

  const changing = plans.filter(keepalivedPlanHasChanges);
  const locks = new Map<string, HeldLock>();
  const swapped: string[] = [];
  const bridged = new Map<string, string[]>();
  /** Takes the VIPs off lo again (after the read back, whatever it found); a failure is told, not fatal. */
  const unbridge = async (): Promise<void> => {
    for (const [host, held] of bridged) {
      try {
        await link(host).run(unbridgeVipsCommand(held));
        options.onEvent?.(host, 'unbridged', held.join(', '));
      } catch (err) {
        const r = results.get(host);
        if (r) r.error = `${r.error ? `${r.error}; ` : ''}the VIPs put on lo while keepalived started could not be removed (${message(err)}): ip addr del VIP/32 dev lo`;
      }
    }
    bridged.clear();
  };
  try {
    // 1. Locks, NEW files and keepalived -t everywhere before anything is swapped.
    for (const p of changing) locks.set(p.host, await link(p.host).lock(options.holder, options.lockWaitSeconds));
    const checks = await Promise.all(changing.map(async (p) => {
      const l = link(p.host);
      try {
        if (p.confDiff === '') return { host: p.host, check: { exitCode: 0, output: '' } };
        await l.run(writeNewConfCommand(p.conf));
        const check = await l.run(checkNewConfCommand());
        options.onEvent?.(p.host, 'checked', `keepalived -t exit ${check.exitCode}`);
        return { host: p.host, check };
      } catch (err) {
        return { host: p.host, error: `writing or checking the new configuration failed: ${message(err)}` };
      }
    }));
    const refused = checks.filter((c) => c.error !== undefined || (c.check && c.check.exitCode !== 0));
    if (refused.length > 0) {
      await Promise.all(changing.map((p) => link(p.host).run(discardNewConfCommand()).catch(() => undefined)));
      for (const p of plans) {
        const c = checks.find((x) => x.host === p.host);
        const r: KeepalivedDirectorResult = { host: p.host, status: 'not-applied' };
        if (c?.check) r.check = c.check;
        if (c?.check && c.check.exitCode !== 0) {
          // The NEW file is the plan's rendering; its header (the source label) does not move any line.
          const mapped = renderKeepalivedConfLines({ model, cluster: clusterName, director: p.host, sourceLabel: '' });
          if (mapped.text.split('\n').length === p.conf.split('\n').length) r.checkSources = mapCheckOutput(c.check.output, mapped, KEEPALIVED_CONF_NEW);
        }
        if (c?.error !== undefined) r.error = c.error;
        else if (c?.check && c.check.exitCode !== 0) r.error = `keepalived -t refused the new configuration (exit ${c.check.exitCode}: ${confCheckMeaning(c.check.exitCode)})`;
        else r.error = 'not applied: another director refused the configuration (nothing changed anywhere)';
        results.set(p.host, r);
      }
      return result();
    }
    // 2. Swap and reload. A director that carries the VIPs without keepalived (the cluster moves from the
    // ipvsadm engine) gets them on lo too until the read back: keepalived deletes them from the interface when it
    // starts and adds them back only once it is master (the master-down interval), and the VIP must keep answering.
    const vips = clusterVips(cluster);
    for (const p of changing) {
      const held = vips.filter((v) => p.live?.addresses.some((a) => a.address === v && a.dev !== 'lo'));
      if (!p.notRunning || held.length === 0) continue;
      try {
        await link(p.host).run(bridgeVipsCommand(held));
        bridged.set(p.host, held);
        options.onEvent?.(p.host, 'bridged', `${held.join(', ')} on lo while keepalived starts`);
      } catch (err) {
        options.onEvent?.(p.host, 'bridge-failed', message(err));
      }
    }
    for (const c of checks) {
      const l = link(c.host);
      const r: KeepalivedDirectorResult = { host: c.host, status: 'applied' };
      if (c.check) r.check = c.check;
      const p = changing.find((x) => x.host === c.host) as KeepalivedDirectorPlan;
      try {
        if (p.confDiff !== '') {
          await l.run(swapConfCommand());
          swapped.push(c.host);
        }
        r.reload = await l.run(reloadCommand());
        options.onEvent?.(c.host, r.reload);
      } catch (err) {
        r.status = 'rolled-back';
        r.error = `swapping in or reloading the configuration failed: ${message(err)}`;
      }
      results.set(c.host, r);
    }
    // 3. Read back.
    const failedEarly = [...results.values()].some((r) => r.status === 'rolled-back');
    const vrrp = cluster.vrrp;
    const timeoutMs = options.readbackTimeoutMs ?? (3 * (vrrp?.advertInterval ?? 1) + detectionSeconds(cluster) + 10) * 1000;
    const deadline = Date.now() + timeoutMs;
    let last = { problems: ['not read back'], holders: [] as string[], down: {} as Record<string, string[]> };
    while (!failedEarly) {
      last = await readBack(link, cluster, plans.map((p) => p.host));
      if (last.problems.length === 0 || Date.now() >= deadline) break;
      await sleep(options.pollMs ?? 500);
    }
    if (!failedEarly && last.problems.length === 0) {
      await unbridge();
      return { directors: plans.map((p) => results.get(p.host) as KeepalivedDirectorResult), vipHolders: last.holders, down: last.down };
    }
    // 4. Restore what was swapped.
    const why = failedEarly ? undefined : `read back failed after ${Math.round(timeoutMs / 1000)} s: ${last.problems.join('; ')}`;
    for (const host of changing.map((p) => p.host)) {
      const r = results.get(host) as KeepalivedDirectorResult;
      if (why !== undefined) r.error = why;
      r.status = 'rolled-back';
      try {
        if (swapped.includes(host)) {
          await link(host).run(restoreConfCommand());
          await link(host).run(reloadCommand(true));
        }
      } catch (err) {
        r.status = 'rollback-failed';
        r.rollbackError = message(err);
      }
    }
    // Stopping the keepalived this apply started took the VIPs off the interface: back where they were found.
    for (const [host, held] of bridged) {
      const p = plans.find((x) => x.host === host);
      const byDev = new Map<string, string[]>();
      for (const v of held) {
        const dev = p?.live?.addresses.find((a) => a.address === v && a.dev !== 'lo')?.dev;
        if (dev) byDev.set(dev, [...(byDev.get(dev) ?? []), v]);
      }
      for (const [dev, vs] of byDev) {
        try {
          await link(host).run(bridgeVipsCommand(vs, dev));
        } catch (err) {
          const r = results.get(host) as KeepalivedDirectorResult;
          r.status = 'rollback-failed';
          r.rollbackError = `${r.rollbackError ? `${r.rollbackError}; ` : ''}putting ${vs.join(', ')} back on ${dev} failed: ${message(err)}`;
        }
      }
    }
    await unbridge();
    return { directors: plans.map((p) => results.get(p.host) as KeepalivedDirectorResult), vipHolders: last.holders, down: last.down };
  } finally {
    await unbridge();
    for (const l of locks.values()) l.release();
  }
}

/** One read of every director: VRRP (exactly one director holds every VIP) and each IPVS table. */
export async function readBack(link: (host: string) => KeepalivedLink, cluster: ClusterSpec, hosts: readonly string[]):
  Promise<{ problems: string[]; holders: string[]; down: Record<string, string[]> }> {
  const problems: string[] = [];
  const lives = new Map<string, KeepalivedLive>();
  await Promise.all(hosts.map(async (h) => {
    try {
      lives.set(h, await link(h).run(keepalivedLiveCommand()));
    } catch (err) {
      problems.push(`${h}: cannot be read: ${message(err)}`);
    }
  }));
  const down: Record<string, string[]> = {};
  for (const h of hosts) {
    const live = lives.get(h);
    if (!live) continue;
    if (live.pid === undefined) problems.push(`${h}: keepalived is not running`);
    const cmp = compareKeepalivedTable(cluster, live.table);
    for (const p of cmp.problems) problems.push(`${h}: ${p}`);
    if (cmp.down.length > 0) down[h] = cmp.down;
  }
  const v = vipHolders(cluster, lives);
  if (v.holders.length !== 1) problems.push(v.holders.length === 0 ? 'no director holds the VIPs yet' : `the VIPs are held by ${v.holders.join(' and ')} at once`);
  for (const h of v.partial) problems.push(`${h} holds only some of the VIPs`);
  return { problems, holders: v.holders, down };
}

/** One director's result as text. */
export function keepalivedResultText(r: KeepalivedDirectorResult): string {
  const out: string[] = [];
  switch (r.status) {
    case 'unchanged': out.push(`${r.host}: nothing to do`); break;
    case 'applied': out.push(`${r.host}: applied (keepalived ${r.reload ?? 'reloaded'}); read back equals the file`); break;
    case 'not-applied': out.push(`${r.host}: NOT applied (nothing changed): ${r.error ?? ''}`); break;
    case 'rolled-back': out.push(`${r.host}: FAILED, previous configuration restored: ${r.error ?? ''}`); break;
    case 'rollback-failed': out.push(`${r.host}: FAILED and the RESTORE FAILED: ${r.error ?? ''}; restore: ${r.rollbackError ?? ''}`); break;
  }
  if (r.check && r.check.exitCode !== 0) out.push(`  keepalived -t said:\n${(r.check.output || '(nothing)').replace(/^/gm, '    ')}`);
  if (r.checkSources && r.checkSources.length > 0) out.push(`  in the cluster file:\n${r.checkSources.map((s) => `    ${checkSourceText(s)}`).join('\n')}`);
  return `${out.join('\n')}\n`;
}
