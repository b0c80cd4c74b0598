/**
 * A controlled switchover of a keepalived cluster, the keepalived way: every director's configuration tracks one
 * file (`vrrp_track_file`, weight 1, rendered by renderKeepalivedConf.ts) whose number keepalived adds to the
 * instance's priority. keepalived watches track files with inotify, so writing a number moves the priority at
 * once, without a reload and without a home-made VRRP: the director given the highest priority becomes MASTER by
 * keepalived's own election (preemption), the others give the VIPs up. Release writes 0 everywhere: the
 * configured priorities elect again.
 */
import { clusterVips } from '../clusterFile/clusterVips';
import type { ClusterSpec } from '../clusterFile/types';
import type { RemoteCommand } from '../ssh/remoteCommand';
import type { KeepalivedClusterStatus } from './keepalivedClusterStatus';
import { kaWord } from './keepalivedWords';

/** The track file of cluster `name` on each of its directors. */
export function failoverTrackFile(name: string): string {
  return kaWord(`/etc/keepalived/lvsctl-failover.${name}`);
}

/** The name of its `vrrp_track_file` block. */
export function failoverTrackName(name: string): string {
  return kaWord(`lvsctl_failover_${name}`);
}

/** The highest priority keepalived allows a non-owner instance. */
const MAX_PRIORITY = 254;

export interface FailoverPlan {
  cluster: string;
  /** The director that becomes MASTER; undefined for a release. */
  to?: string;
  /** The director the read back must show as MASTER: `to`, or after a release the one of highest configured priority (undefined on a tie). */
  expect?: string;
  /** The number written into each director's track file. */
  writes: { host: string; value: number }[];
  /** The VIPs of the cluster's VRRP instance. */
  vips: string[];
  /** What will happen, in one sentence (for the confirmation). */
  effect: string;
}

/** The priority a director is configured with (the rendered `priority`). */
function configuredPriority(cluster: ClusterSpec, host: string): number {
  return cluster.directors.find((d) => d.host === host)?.priority ?? 100;
}

/** The writes that make `to` the master: its priority one above every other director's configured one. */
export function planFailover(cluster: ClusterSpec, to: string, masters: readonly string[]): FailoverPlan {
  if (!cluster.directors.some((d) => d.host === to)) {
    throw new Error(`"${to}" is not a director of cluster "${cluster.name}" (its directors: ${cluster.directors.map((d) => d.host).join(', ')}).`);
  }
  if (cluster.directors.length < 2) throw new Error(`Cluster "${cluster.name}" has one director: there is nothing to fail over to.`);
  if (cluster.vrrp && !cluster.vrrp.preempt) {
    throw new Error(`Cluster "${cluster.name}" has vrrp.preempt: false (keepalived's nopreempt): the master keeps the VIPs until it fails, ` +
      'so raising a priority moves nothing. Set preempt: true and apply to switch over with lvsctl failover.');
  }
  const own = configuredPriority(cluster, to);
  const others = Math.max(...cluster.directors.filter((d) => d.host !== to).map((d) => configuredPriority(cluster, d.host)));
  const value = Math.max(0, others - own + 1);
  if (own + value > MAX_PRIORITY) {
    throw new Error(`Director "${to}" would need priority ${own + value} to outrank the others (${others}); keepalived allows at most ${MAX_PRIORITY}.`);
  }
  const vips = clusterVips(cluster);
  const givers = masters.filter((m) => m !== to);
  const vipText = vips.length > 0 ? `VIP ${vips.join(', ')}` : 'the VRRP instance';
  const effect = `${to} becomes MASTER of ${vipText} of cluster ${cluster.name} (priority ${own} + ${value})` +
    (givers.length > 0 ? `; ${givers.join(', ')} gives it up.` : masters.includes(to) ? `; ${to} is MASTER already and stays it.` : '.');
  return { cluster: cluster.name, to, expect: to, vips, effect, writes: cluster.directors.map((d) => ({ host: d.host, value: d.host === to ? value : 0 })) };
}

/** The writes that give the configured priorities back (0 into every track file). */
export function planRelease(cluster: ClusterSpec): FailoverPlan {
  const vips = clusterVips(cluster);
  const top = Math.max(...cluster.directors.map((d) => configuredPriority(cluster, d.host)));
  const highest = cluster.directors.filter((d) => configuredPriority(cluster, d.host) === top);
  return {
    cluster: cluster.name, vips, ...(highest.length === 1 ? { expect: highest[0].host } : {}),
    effect: `Every director of cluster ${cluster.name} gets its configured priority back (${cluster.directors.map((d) => `${d.host} ${configuredPriority(cluster, d.host)}`).join(', ')}); keepalived elects the master again.`,
    writes: cluster.directors.map((d) => ({ host: d.host, value: 0 })),
  };
}

/** The director's running configuration has no track file of the cluster (applied before lvsctl rendered it). */
export class FailoverNotRenderedError extends Error {
  override readonly name = 'FailoverNotRenderedError';
}

/** Writes `value` into the cluster's track file; refuses when keepalived has not created it (init_file). */
export function writeFailoverValueCommand(clusterName: string, value: number): RemoteCommand<void> {
  if (!Number.isInteger(value) || value < -254 || value > 254) throw new Error(`not a track file value: ${value}`);
  const file = failoverTrackFile(clusterName);
  const script = `[ -f "$1" ] || { echo "$1 is missing: the running keepalived configuration has no failover track file (run lvsctl apply first)" >&2; exit 3; }; printf '%s\\n' "$2" > "$1"`;
  return {
    argv: ['sh', '-c', script, 'sh', file, String(value)],
    timeoutMs: 30_000,
    okExitCodes: [0, 3],
    parse: (o) => {
      if (o.exitCode === 3) throw new FailoverNotRenderedError(o.stderr.trim());
    },
  };
}

/** The outcome the read back must show: the new master holds every VIP, nobody else is MASTER. */
export function switchoverDone(status: KeepalivedClusterStatus, plan: FailoverPlan): boolean {
  if (status.masters.length !== 1) return false;
  const master = plan.expect ?? status.masters[0];
  const d = status.directors.find((x) => x.host === master);
  if (!d || d.role !== 'MASTER') return false;
  return plan.vips.every((v) => d.heldVips.includes(v));
}

export interface FailoverDeps {
  run: <T>(host: string, command: RemoteCommand<T>) => Promise<T>;
  read: () => Promise<KeepalivedClusterStatus>;
  sleep: (ms: number) => Promise<void>;
  /** Read backs before giving up (one every `pollMs`). */
  polls?: number;
  pollMs?: number;
}

export interface FailoverResult {
  ok: boolean;
  status: KeepalivedClusterStatus;
  /** The read backs it took. */
  reads: number;
  /** `director2 is MASTER and holds VIP 10.0.0.1` or why not. */
  text: string;
}

/** Writes the plan's track file values (the losers first), then reads back until the switchover shows. */
export async function runFailover(plan: FailoverPlan, deps: FailoverDeps): Promise<FailoverResult> {
  const ordered = [...plan.writes].sort((a, b) => a.value - b.value);
  for (const w of ordered) {
    try {
      await deps.run(w.host, writeFailoverValueCommand(plan.cluster, w.value));
    } catch (err) {
      throw new Error(`${w.host}: writing ${w.value} into ${failoverTrackFile(plan.cluster)} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const polls = deps.polls ?? 30;
  let status = await deps.read();
  let reads = 1;
  while (!switchoverDone(status, plan) && reads < polls) {
    await deps.sleep(deps.pollMs ?? 500);
    status = await deps.read();
    reads++;
  }
  const ok = switchoverDone(status, plan);
  const master = status.masters.join(', ') || 'nobody';
  const held = status.directors.find((d) => d.host === status.masters[0])?.heldVips ?? [];
  const text = ok
    ? `${status.masters[0] ?? ''} is MASTER of cluster ${plan.cluster} and holds ${held.join(', ') || 'no VIP'}.`
    : `After ${reads} read backs the switchover does not show: MASTER is ${master}${plan.expect !== undefined ? `, expected ${plan.expect}` : ''}.`;
  return { ok, status, reads, text };
}
