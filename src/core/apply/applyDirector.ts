/**
 * Applying a cluster's desired table to one director:
 *
 *   lock (flock under /run/lock, holder info in the file)
 *   → snapshot (one exec: -S -n, thresholds, counters, sysctls, managed record)
 *   → plan (pure; refused if the table changed since the plan the user confirmed)
 *   → sysctls that differ (one exec) → every step as ONE `ipvsadm -R` stream (one exec)
 *   → read back, find the failing line if any, prove re-planning is empty
 *   → drain: poll until removed real servers are idle (or the drain timeout), delete them
 *   → managed record, optional boot rules file → unlock.
 *
 * On any failure or cancellation (AbortSignal) after something changed: restore exactly the snapshot by a
 * diff back (a plan from the current table to the snapshot, forced, applied with `ipvsadm -R`; never a
 * flush), restore the sysctls, and read back to prove it.
 */

import type { IpvsTable } from '../ipvs/types';
import { serviceKeyString } from '../ipvs/types';
import { tableRulesText } from '../plan/ipvsadmLines';
import { planRulesText } from '../plan/planRender';
import { planTable } from '../plan/planTable';
import type { PendingDrain, Plan, PlanStep } from '../plan/planTypes';
import type { SshPool } from '../ssh/connectionPool';
import type { RemoteCommand } from '../ssh/remoteCommand';
import type { LiveState } from './liveState';
import { liveStateCommand, managedRecordPath } from './liveState';
import type { HeldLock, LockSpec } from './remoteLock';
import { acquireLock, lockSpec } from './remoteLock';
import type { RulesFileStatus } from './remoteFiles';
import { rulesFileTargetCommand, writeFileIfChangedCommand } from './remoteFiles';
import { batchMessages, judgeBatch, restoreCommand } from './restoreBatch';
import type { SysctlChange } from './sysctlSync';
import { reverseChanges, sysctlChanges, sysctlCommand } from './sysctlSync';

/** How apply reaches one director: commands as values, and the lock. */
export interface DirectorLink {
  readonly host: string;
  run<T>(command: RemoteCommand<T>): Promise<T>;
  lock(spec: LockSpec): Promise<HeldLock>;
}

export function poolLink(pool: SshPool, host: string): DirectorLink {
  return { host, run: (c) => pool.run(host, c), lock: (spec) => acquireLock(pool, host, spec) };
}

export type ApplyPhase =
  | 'locked' | 'snapshot' | 'sysctls' | 'batch-start' | 'batch-done' | 'verified' | 'drain-wait' | 'drain-delete'
  | 'rollback-start' | 'rollback-done' | 'persisted';

export interface ApplyEvent {
  host: string;
  phase: ApplyPhase;
  detail?: string;
}

export interface ApplyOptions {
  cluster: string;
  desired: IpvsTable;
  /** net.ipv4.vs.* the cluster wants. */
  sysctls?: Readonly<Record<string, number>>;
  prune?: boolean;
  /** Services keepalived owns (keepalived clusters of the file): never deleted. */
  keep?: ReadonlySet<string>;
  force?: boolean;
  /** Wait this long for drained real servers to go idle, then delete them anyway; undefined: do not wait. */
  drainTimeoutMs?: number;
  drainPollMs?: number;
  /** Write the distro's boot rules file (only when its content changes). */
  persist?: boolean;
  lockWaitSeconds?: number;
  /** Written into the lock file. */
  holder: string;
  signal?: AbortSignal;
  /**
   * The live table the user's confirmed plan was computed from (`tableRulesText`, thresholds included):
   * apply refuses when the table under the lock differs (someone changed it since). Counters may differ.
   */
  expectedTable?: string;
  onEvent?(event: ApplyEvent): void | Promise<void>;
}

export type ApplyStatus = 'unchanged' | 'applied' | 'not-applied' | 'rolled-back' | 'rollback-failed';

export interface FailedLine {
  /** 0-based index into the steps sent. */
  index: number;
  line: string;
  message: string;
}

export interface DirectorResult {
  host: string;
  status: ApplyStatus;
  plan?: Plan;
  /** Steps sent in the main batch. */
  steps: PlanStep[];
  /** `ipvsadm -R` lines sent after draining (deletions). */
  drainDeletes: string[];
  /** Drains still waiting when apply returned (no drain timeout given). */
  pending: PendingDrain[];
  sysctls: SysctlChange[];
  persisted?: { path: string; status: RulesFileStatus };
  error?: string;
  failedLine?: FailedLine;
  /** Every line of the batch whose effect was missing (ipvsadm -R goes on after a kernel error). */
  failedLines?: FailedLine[];
  rollbackError?: string;
  /** The table before apply, as `ipvsadm -S -n` printed it. */
  snapshotText?: string;
}

class ApplyAbort extends Error {
  override readonly name = 'ApplyAbort';
}

class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(message: string, readonly failedLine?: FailedLine) {
    super(message);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export async function applyDirector(link: DirectorLink, options: ApplyOptions): Promise<DirectorResult> {
  const host = link.host;
  const result: DirectorResult = { host, status: 'not-applied', steps: [], drainDeletes: [], pending: [], sysctls: [] };
  const emit = async (phase: ApplyPhase, detail?: string): Promise<void> => {
    await options.onEvent?.(detail === undefined ? { host, phase } : { host, phase, detail });
  };
  const aborted = (): void => {
    if (options.signal?.aborted) throw new ApplyAbort('apply was cancelled');
  };
  /**
   * Without the lock (its connection dropped), another apply may have changed the table in between: what we
   * read back proves nothing, so the apply fails and rolls back (the pool connects again for that).
   */
  const lockHeld = (held: HeldLock): void => {
    if (held.lost) throw new ApplyAbort(`the SSH connection to ${host} dropped during apply (the lock was lost)`);
  };
  const spec = lockSpec(options.holder, options.lockWaitSeconds ?? 30);
  let lock: HeldLock;
  try {
    aborted();
    lock = await link.lock(spec);
  } catch (err) {
    result.error = (err as Error).message;
    return result;
  }
  let changed = false;
  let snapshot: LiveState | undefined;
  try {
    await emit('locked');
    snapshot = await link.run(liveStateCommand(options.cluster));
    result.snapshotText = snapshot.saveText;
    await emit('snapshot', `${snapshot.table.services.length} services`);
    const planOptions = { prune: options.prune ?? false, force: options.force ?? false, managed: snapshot.managed, ...(options.keep ? { keep: options.keep } : {}) };
    const plan = planTable(options.desired, { table: snapshot.table, counters: snapshot.counters }, planOptions);
    result.plan = plan;
    if (options.expectedTable !== undefined && options.expectedTable !== tableRulesText(snapshot.table)) {
      throw new ApplyAbort('the director\'s table changed since the plan was shown; nothing was applied (run plan/apply again)');
    }
    const sys = sysctlChanges(options.sysctls ?? {}, snapshot.sysctls);
    // The services lvsctl manages from now on: the file's, plus removed ones still draining.
    const managed = new Set(options.desired.services.map((s) => serviceKeyString(s.key)));
    for (const p of plan.pending) if (p.deletesService) managed.add(p.service);
    aborted();

    if (sys.length > 0) {
      changed = true;
      await link.run(sysctlCommand(sys));
      result.sysctls = sys;
      await emit('sysctls', sys.map((c) => `${c.name}=${c.to}`).join(' '));
    }
    let after = snapshot;
    if (plan.steps.length > 0) {
      changed = true;
      result.steps = plan.steps;
      await emit('batch-start', `${plan.steps.length} lines`);
      const batch = restoreCommand(planRulesText(plan));
      // Cancelling while the batch runs kills it (its remote process group), then rolls back.
      const res = await link.run(options.signal ? { ...batch, signal: options.signal } : batch);
      await emit('batch-done', `exit ${res.exitCode ?? 'none'}`);
      aborted();
      lockHeld(lock);
      after = await link.run(liveStateCommand(options.cluster));
      const verdict = judgeBatch(plan.steps, after.table);
      if (verdict.failed.length > 0 || res.exitCode !== 0) {
        const messages = batchMessages(res.stderr);
        const index = verdict.failed[0] ?? plan.steps.length - 1;
        const message = messages[0] ?? (res.exitCode === 0 ? 'its effect is missing from the table after ipvsadm -R' : `ipvsadm -R exited with ${res.exitCode}`);
        const failed: FailedLine = { index, line: plan.steps[index].line, message };
        result.failedLines = verdict.failed.map((i, n) => ({ index: i, line: plan.steps[i].line, message: messages[n] ?? messages[messages.length - 1] ?? 'not applied' }));
        throw new BatchError(`line ${index + 1} of ${plan.steps.length} failed: ${failed.line}: ${message}` +
          (verdict.failed.length > 1 ? ` (${verdict.failed.length} lines in all did not take effect)` : ''), failed);
      }
    }
    aborted();
    lockHeld(lock);
    const replan = planTable(options.desired, { table: after.table, counters: after.counters }, { ...planOptions, managed });
    if (replan.steps.length > 0) {
      throw new BatchError(`read back does not match the file: re-planning still gives ${replan.steps.length} steps (${replan.steps[0].line} …)`);
    }
    await emit('verified');

    let pending = replan.pending;
    if (pending.length > 0 && options.drainTimeoutMs !== undefined) {
      const deadline = Date.now() + options.drainTimeoutMs;
      const poll = options.drainPollMs ?? 2000;
      while (pending.length > 0) {
        const force = Date.now() >= deadline;
        const cur = await link.run(liveStateCommand(options.cluster));
        const p = planTable(options.desired, { table: cur.table, counters: cur.counters }, { ...planOptions, managed, force });
        if (p.steps.length > 0) {
          changed = true;
          await emit('drain-delete', p.steps.map((s) => s.line).join('; '));
          const res = await link.run(restoreCommand(planRulesText(p)));
          result.drainDeletes.push(...p.steps.map((s) => s.line));
          if (res.exitCode !== 0) throw new BatchError(`deleting drained real servers failed: ${res.stderr.trim()}`);
        }
        pending = p.pending;
        if (pending.length === 0 || force) break;
        await emit('drain-wait', pending.map((d) => `${d.server} of ${d.service}`).join(', '));
        await sleep(Math.min(poll, Math.max(0, deadline - Date.now())), options.signal);
        aborted();
      }
      const fin = await link.run(liveStateCommand(options.cluster));
      const check = planTable(options.desired, { table: fin.table, counters: fin.counters }, { ...planOptions, managed, force: true });
      if (check.steps.length > 0) throw new BatchError(`after draining, the table does not match the file (${check.steps[0].line} …)`);
      after = fin;
      pending = [];
    }
    result.pending = pending;
    for (const p of pending) if (p.deletesService) managed.add(p.service);
    if (!sameSet(managed, snapshot.managed)) {
      const text = [...managed].sort().map((k) => `${k}\n`).join('');
      await link.run(writeFileIfChangedCommand(managedRecordPath(options.cluster), text));
    }
    if (options.persist) {
      const target = await link.run(rulesFileTargetCommand());
      const status = await link.run(writeFileIfChangedCommand(target.path, tableRulesText(after.table)));
      result.persisted = { path: target.path, status };
      await emit('persisted', `${target.path} ${status}`);
    }
    result.status = changed ? 'applied' : 'unchanged';
    return result;
  } catch (err) {
    result.error = (err as Error).message;
    if (err instanceof BatchError && err.failedLine) result.failedLine = err.failedLine;
    if (!changed || !snapshot) {
      result.status = 'not-applied';
      return result;
    }
    await emit('rollback-start', result.error);
    try {
      if (lock.lost) lock = await link.lock(spec);
      await restoreSnapshot(link, options.cluster, snapshot, result.sysctls);
      result.status = 'rolled-back';
      await emit('rollback-done');
    } catch (rollbackErr) {
      result.status = 'rollback-failed';
      result.rollbackError = (rollbackErr as Error).message;
    }
    return result;
  } finally {
    lock.release();
  }
}

/**
 * Puts the table back exactly as in `snapshot`: a forced plan from the current table to the snapshot
 * (every service the snapshot lacks is removed, thresholds included), one `ipvsadm -R`, sysctls back,
 * then a read back that must print the same `ipvsadm -S -n` and re-plan to nothing.
 */
export async function restoreSnapshot(link: DirectorLink, cluster: string, snapshot: LiveState, sysctls: readonly SysctlChange[]): Promise<void> {
  const back = reverseChanges(sysctls);
  if (back.length > 0) await link.run(sysctlCommand(back));
  const cur = await link.run(liveStateCommand(cluster));
  const all = new Set(cur.table.services.map((s) => serviceKeyString(s.key)));
  const plan = planTable(snapshot.table, { table: cur.table, counters: cur.counters }, { force: true, prune: true, managed: all });
  if (plan.steps.length > 0) {
    const res = await link.run(restoreCommand(planRulesText(plan)));
    if (res.exitCode !== 0) throw new Error(`rollback batch failed: ${res.stderr.trim()}`);
  }
  const check = await link.run(liveStateCommand(cluster));
  const left = planTable(snapshot.table, { table: check.table, counters: check.counters }, { force: true, prune: true, managed: all });
  if (left.steps.length > 0 || check.saveText !== snapshot.saveText) {
    throw new Error(`after rollback the table still differs from the snapshot (${left.steps[0]?.line ?? 'ipvsadm -S -n differs'})`);
  }
}
