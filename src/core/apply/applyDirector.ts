/**
 * Applying a cluster's desired table to one director, as one transaction under the director's guardian
 * (guardian.ts: a remote script that holds the lock and restores the snapshot by itself if this client goes
 * away before it commits):
 *
 *   guardian: lock (root's 0700 /run/vscode-lvs) → the snapshot: the state the plan was made from when its
 *     digest still matches (no second listing), else the state read under the lock
 *   → plan (pure; refused if the table changed since the plan the user confirmed, or the kernel lacks a
 *     scheduler / tunnel type / family the file needs)
 *   → BEGIN: sysctls that differ + every step as ONE `ipvsadm -R` stream + the read back, in one request
 *   → find the failing line if any, prove re-planning is empty
 *   → COMMIT (at once, or when the operator confirms within the confirmation window)
 *   → drain: poll until removed real servers are idle (or the drain timeout), delete them
 *   → optional boot rules file → unlock.
 *
 * On any failure or cancellation (AbortSignal) before the commit: ROLLBACK (the guardian's rollback batch),
 * then a read back that must equal the snapshot; if it does not, a diff back (a plan from the current table
 * to the snapshot, forced; never a flush). If the connection is lost, the guardian has rolled back alone:
 * apply takes the lock again and proves the table is the snapshot (or restores it by the diff back).
 */

import type { IpvsTable } from '../ipvs/types';
import { serviceKeyString } from '../ipvs/types';
import { IpvsMachine, applyCommands } from '../ipvs/ipvsEngine';
import { tableRulesText } from '../plan/ipvsadmLines';
import { planRulesText } from '../plan/planRender';
import { planTable } from '../plan/planTable';
import type { PendingDrain, Plan, PlanStep } from '../plan/planTypes';
import type { SshPool } from '../ssh/connectionPool';
import type { RemoteCommand } from '../ssh/remoteCommand';
import type { LiveState } from './liveState';
import { managedRecordPath } from './liveState';
import type { GuardianSession, GuardianSpec } from './guardian';
import { guardianSpec, startGuardian } from './guardian';
import { kernelProblems } from './kernelSupport';
import { procProvable, procReadback } from './procReadback';
import type { HeldLock, LockSpec } from './remoteLock';
import { acquireLock } from './remoteLock';
import type { RulesFileStatus } from './remoteFiles';
import { rulesFileTargetCommand, writeFileIfChangedCommand } from './remoteFiles';
import { batchMessages, judgeBatch } from './restoreBatch';
import type { SysctlChange } from './sysctlSync';
import { reverseChanges, sysctlChanges } from './sysctlSync';

/** How apply reaches one director: commands as values, and the lock. */
export interface DirectorLink {
  readonly host: string;
  run<T>(command: RemoteCommand<T>): Promise<T>;
  lock(spec: LockSpec): Promise<HeldLock>;
  /** Starts the apply guardian (it holds the same lock as `lock`). */
  guard(spec: GuardianSpec): Promise<GuardianSession>;
}

export function poolLink(pool: SshPool, host: string): DirectorLink {
  return { host, run: (c) => pool.run(host, c), lock: (spec) => acquireLock(pool, host, spec), guard: (spec) => startGuardian(pool, host, spec) };
}

export type ApplyPhase =
  | 'locked' | 'snapshot' | 'sysctls' | 'batch-start' | 'batch-done' | 'verified' | 'drain-wait' | 'drain-delete'
  | 'rollback-start' | 'rollback-done' | 'persisted' | 'awaiting-confirmation' | 'committed';

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
   * The live state the user's confirmed plan was computed from: apply refuses when the table under the lock
   * differs (someone changed it since; counters may differ). With its digest, that check is the digest
   * alone and this state is the snapshot (nothing is listed twice).
   */
  expected?: LiveState;
  /**
   * Keep the change only if confirmed within this many seconds (the director's guardian rolls back by itself
   * otherwise); `confirm` is asked once the table is applied and verified.
   */
  confirmWithinSeconds?: number;
  /** commit: keep; rollback: undo now; detach: leave the guardian waiting for `lvsctl apply --confirm`. */
  confirm?(): Promise<'commit' | 'rollback' | 'detach'>;
  onEvent?(event: ApplyEvent): void | Promise<void>;
}

export type ApplyStatus = 'unchanged' | 'applied' | 'awaiting-confirmation' | 'not-applied' | 'rolled-back' | 'rollback-failed';

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
  /** What an earlier apply's guardian did on its own (it rolled back after its client went away). */
  previousGuardian?: string;
  /** Seconds the director waits for `lvsctl apply --confirm` (status awaiting-confirmation). */
  confirmWithinSeconds?: number;
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

function sysctlArgs(changes: readonly SysctlChange[]): string[] {
  return changes.map((c) => `net.ipv4.vs.${c.name}=${c.to}`);
}

/** The table `plan` leaves when every line takes effect. */
function expectedAfter(snapshot: IpvsTable, plan: Plan): IpvsTable {
  return applyCommands(snapshot, plan.steps.map((s) => s.command)).table;
}

/** The plan from what `plan` would leave back to `snapshot` (forced): the guardian's rollback batch. */
export function rollbackPlan(snapshot: IpvsTable, plan: Plan): Plan {
  const after = expectedAfter(snapshot, plan);
  const all = new Set(after.services.map((s) => serviceKeyString(s.key)));
  return planTable(snapshot, { table: after }, { force: true, prune: true, managed: all });
}

/**
 * True when no step sets a threshold other than the one the real server has: then every threshold after
 * the batch is known (a line takes effect whole or not at all, and -S shows which), and the read back can
 * skip the `--thresholds` listing (one full listing: ~0.85 s on 5,000 entries).
 */
export function thresholdsKnown(snapshot: IpvsTable, plan: Plan): boolean {
  const m = new IpvsMachine(snapshot);
  return plan.steps.every((s) => {
    const c = s.command;
    if (c.kind !== 'add-server' && c.kind !== 'edit-server') return true;
    const old = m.realServer(c.key, c.server);
    return (old?.upperThreshold ?? 0) === c.server.upperThreshold && (old?.lowerThreshold ?? 0) === c.server.lowerThreshold;
  });
}

/** Puts the known thresholds (those of `expected`, keyed by service and real server) into a table-only read back. */
function withThresholds(state: LiveState, expected: IpvsTable): LiveState {
  const m = new IpvsMachine(expected);
  for (const s of state.table.services) {
    for (const rs of s.realServers) {
      const e = m.realServer(s.key, rs);
      if (e) { rs.upperThreshold = e.upperThreshold; rs.lowerThreshold = e.lowerThreshold; }
    }
  }
  return state;
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
  const spec = (mode: 'full' | 'digest', waitSeconds: number): GuardianSpec => guardianSpec({
    holder: options.holder, waitSeconds, mode, managedPath: managedRecordPath(options.cluster),
    idleSeconds: Math.max(120, 3 * (options.drainPollMs ?? 2000) / 1000),
  });
  const expected = options.expected;
  let g: GuardianSession;
  try {
    aborted();
    g = await link.guard(spec(expected?.digest !== undefined ? 'digest' : 'full', options.lockWaitSeconds ?? 30));
  } catch (err) {
    result.error = (err as Error).message;
    return result;
  }
  if (g.last !== undefined) result.previousGuardian = g.last;
  let begun = false;
  let committed = false;
  let snapshot: LiveState | undefined;
  try {
    await emit('locked');
    if (g.first.state) {
      snapshot = g.first.state;
      if (expected && tableRulesText(expected.table) !== tableRulesText(snapshot.table)) throw new ApplyAbort(CHANGED);
    } else {
      if (!expected || g.first.digest !== expected.digest) throw new ApplyAbort(CHANGED);
      snapshot = expected;
    }
    result.snapshotText = snapshot.saveText;
    await emit('snapshot', `${snapshot.table.services.length} services`);
    const planOptions = { prune: options.prune ?? false, force: options.force ?? false, managed: snapshot.managed, ...(options.keep ? { keep: options.keep } : {}) };
    const plan = planTable(options.desired, { table: snapshot.table, counters: snapshot.counters }, planOptions);
    result.plan = plan;
    const lacking = kernelProblems(options.desired, snapshot.kernel);
    if (lacking.length > 0) {
      throw new ApplyAbort(`${lacking.map((k) => k.message).join('; ')}; nothing was applied`);
    }
    const sys = sysctlChanges(options.sysctls ?? {}, snapshot.sysctls);
    // The services lvsctl manages from now on: the file's, plus removed ones still draining.
    const managed = new Set(options.desired.services.map((s) => serviceKeyString(s.key)));
    for (const p of plan.pending) if (p.deletesService) managed.add(p.service);
    aborted();

    let after = snapshot;
    if (sys.length > 0 || plan.steps.length > 0) {
      const back = rollbackPlan(snapshot.table, plan);
      // The read back: only /proc/net/ip_vs when it can prove every step; else without the thresholds
      // listing when every threshold is known; else the full state.
      const expectedTable = expectedAfter(snapshot.table, plan);
      const readBack = procProvable(snapshot.table, plan) ? 'proc' : thresholdsKnown(snapshot.table, plan) ? 'table-only' : 'full';
      begun = true;
      result.sysctls = sys;
      result.steps = plan.steps;
      await emit('batch-start', `${plan.steps.length} lines`);
      // Pipelined: the sysctls, the managed record and BEGIN go out at once (the guardian reads them in
      // order and exits at the first it refuses, before BEGIN runs anything): one round trip, not three.
      const setup = [g.sysctls(sysctlArgs(sys), sysctlArgs(reverseChanges(sys)))];
      if (!sameSet(managed, snapshot.managed)) setup.push(g.managedRecord([...managed].sort().map((k) => `${k}\n`).join('')));
      const [, res] = await Promise.all([Promise.all(setup), g.begin(planRulesText(plan), planRulesText(back), options.confirmWithinSeconds ?? 0, readBack)]);
      if (sys.length > 0) await emit('sysctls', sys.map((c) => `${c.name}=${c.to}`).join(' '));
      await emit('batch-done', `exit ${res.batch.exitCode}`);
      aborted();
      const proven = res.proc !== undefined && res.batch.exitCode === 0 ? procReadback(plan, expectedTable, res.proc) : undefined;
      if (proven) after = { ...snapshot, table: proven.table, counters: proven.counters };
      else if (res.state) after = readBack === 'table-only' ? withThresholds(res.state, expectedTable) : res.state;
      else after = await g.read(); // /proc did not prove it: the full state names the failing lines
      const verdict = judgeBatch(plan.steps, after.table);
      if (verdict.failed.length > 0 || res.batch.exitCode !== 0) {
        const messages = batchMessages(res.batch.stderr);
        const index = verdict.failed[0] ?? plan.steps.length - 1;
        const message = messages[0] ?? (res.batch.exitCode === 0 ? 'its effect is missing from the table after ipvsadm -R' : `ipvsadm -R exited with ${res.batch.exitCode}`);
        const failed: FailedLine = { index, line: plan.steps[index]?.line ?? '', message };
        result.failedLines = verdict.failed.map((i, n) => ({ index: i, line: plan.steps[i].line, message: messages[n] ?? messages[messages.length - 1] ?? 'not applied' }));
        throw new BatchError(`line ${index + 1} of ${plan.steps.length} failed: ${failed.line}: ${message}` +
          (verdict.failed.length > 1 ? ` (${verdict.failed.length} lines in all did not take effect)` : ''), failed);
      }
    } else if (!sameSet(managed, snapshot.managed)) {
      await g.managedRecord([...managed].sort().map((k) => `${k}\n`).join(''));
      begun = true;
    }
    const replan = planTable(options.desired, { table: after.table, counters: after.counters }, { ...planOptions, managed });
    if (replan.steps.length > 0) {
      throw new BatchError(`read back does not match the file: re-planning still gives ${replan.steps.length} steps (${replan.steps[0].line} …)`);
    }
    await emit('verified');
    if (begun && options.confirmWithinSeconds !== undefined && options.confirmWithinSeconds > 0) {
      await emit('awaiting-confirmation', `${options.confirmWithinSeconds} s`);
      const answer = options.confirm ? await options.confirm() : 'detach';
      if (answer === 'rollback') throw new ApplyAbort('not confirmed: rolled back');
      if (answer === 'detach') {
        result.status = 'awaiting-confirmation';
        result.confirmWithinSeconds = options.confirmWithinSeconds;
        result.pending = replan.pending;
        g.close();
        return result;
      }
    }
    if (begun) {
      await g.commit();
      committed = true;
      await emit('committed');
    }

    let pending = replan.pending;
    if (pending.length > 0 && options.drainTimeoutMs !== undefined) {
      try {
        after = await drain(g, options, planOptions, managed, pending, emit, (lines) => { result.drainDeletes.push(...lines); });
        pending = [];
      } catch (err) {
        // Committed: the table is the file's (the drained real servers at weight 0); only the deletes are left.
        result.error = `draining did not finish: ${(err as Error).message}`;
        pending = planTable(options.desired, { table: after.table, counters: after.counters }, { ...planOptions, managed }).pending;
      }
    }
    result.pending = pending;
    if (options.persist) {
      const target = await link.run(rulesFileTargetCommand());
      const status = await link.run(writeFileIfChangedCommand(target.path, tableRulesText(after.table)));
      result.persisted = { path: target.path, status };
      await emit('persisted', `${target.path} ${status}`);
    }
    result.status = begun || result.drainDeletes.length > 0 ? 'applied' : 'unchanged';
    return result;
  } catch (err) {
    result.error = (err as Error).message;
    if (err instanceof BatchError && err.failedLine) result.failedLine = err.failedLine;
    if (committed) {
      result.status = 'applied';
      return result;
    }
    if (!begun || !snapshot) {
      result.status = 'not-applied';
      return result;
    }
    await emit('rollback-start', result.error);
    try {
      if (g.lost) {
        // The guardian restores the snapshot by itself once its session is gone; take the lock after it
        // and prove it (or finish the job by a diff back).
        result.error = `the SSH connection to ${host} dropped during apply; the director's guardian rolled back (${result.error})`;
        g = await link.guard(spec('full', Math.max(120, options.lockWaitSeconds ?? 30)));
        await restoreSnapshot(g, g.first.state as LiveState, snapshot);
      } else {
        const rb = await g.rollback();
        await restoreSnapshot(g, rb.state, snapshot);
      }
      result.status = 'rolled-back';
      await emit('rollback-done');
    } catch (rollbackErr) {
      result.status = 'rollback-failed';
      result.rollbackError = (rollbackErr as Error).message;
    }
    return result;
  } finally {
    g.close();
  }
}

const CHANGED = 'the director\'s table changed since the plan was shown; nothing was applied (run plan/apply again)';

/** The drain loop under the guardian's lock: delete drained real servers once idle, the rest at the deadline. */
async function drain(g: GuardianSession, options: ApplyOptions, planOptions: { prune: boolean; force: boolean }, managed: ReadonlySet<string>,
  initial: readonly PendingDrain[], emit: (phase: ApplyPhase, detail?: string) => Promise<void>, deleted: (lines: string[]) => void): Promise<LiveState> {
  const deadline = Date.now() + (options.drainTimeoutMs ?? 0);
  const poll = options.drainPollMs ?? 2000;
  let pending = initial;
  while (pending.length > 0) {
    const force = Date.now() >= deadline;
    const cur = await g.read();
    const p = planTable(options.desired, { table: cur.table, counters: cur.counters }, { ...planOptions, managed: new Set(managed), force });
    if (p.steps.length > 0) {
      await emit('drain-delete', p.steps.map((s) => s.line).join('; '));
      const res = await g.run(planRulesText(p));
      deleted(p.steps.map((s) => s.line));
      if (res.exitCode !== 0) throw new BatchError(`deleting drained real servers failed: ${res.stderr.trim()}`);
    }
    pending = p.pending;
    if (pending.length === 0 || force) break;
    await emit('drain-wait', pending.map((d) => `${d.server} of ${d.service}`).join(', '));
    await sleep(Math.min(poll, Math.max(0, deadline - Date.now())), options.signal);
    if (options.signal?.aborted) throw new ApplyAbort('apply was cancelled while draining');
  }
  const fin = await g.read();
  const check = planTable(options.desired, { table: fin.table, counters: fin.counters }, { ...planOptions, managed: new Set(managed), force: true });
  if (check.steps.length > 0) throw new BatchError(`after draining, the table does not match the file (${check.steps[0].line} …)`);
  return fin;
}

/**
 * Proves `current` is exactly `snapshot` (`ipvsadm -S -n` byte for byte, thresholds included); if it is not,
 * puts it back by a diff (a forced plan from the current table to the snapshot, one `ipvsadm -R`, never a
 * flush) and reads back again.
 */
export async function restoreSnapshot(g: GuardianSession, current: LiveState, snapshot: LiveState): Promise<void> {
  const same = (s: LiveState): boolean => s.saveText === snapshot.saveText && tableRulesText(s.table) === tableRulesText(snapshot.table);
  if (same(current)) return;
  const all = new Set(current.table.services.map((s) => serviceKeyString(s.key)));
  const plan = planTable(snapshot.table, { table: current.table, counters: current.counters }, { force: true, prune: true, managed: all });
  if (plan.steps.length > 0) {
    const res = await g.run(planRulesText(plan));
    if (res.exitCode !== 0) throw new Error(`rollback batch failed: ${res.stderr.trim()}`);
  }
  const check = await g.read();
  if (!same(check)) {
    const left = planTable(snapshot.table, { table: check.table, counters: check.counters }, { force: true, prune: true, managed: all });
    throw new Error(`after rollback the table still differs from the snapshot (${left.steps[0]?.line ?? 'ipvsadm -S -n differs'})`);
  }
}
