/**
 * Runs a preparation or teardown on hosts: per host ONE exec to read, a local decision, ONE exec for every
 * needed change (batched), ONE exec to read again and verify. Hosts run in parallel with bounded concurrency;
 * one failing host does not stop the others.
 */
import type { HostRunner } from '../ssh/remoteCommand';
import { runOnHosts } from '../ssh/runOnHosts';
import type { HostRequirements } from './hostRequirements';
import { readStateCommand } from './hostState';
import { planActions, planHost, prepareQuery } from './hostPlan';
import type { HostPlan, PlanOptions, PlanStep } from './hostPlan';
import { DEFAULT_STATE_FILE } from './persistence';
import type { InitSystem } from './persistence';
import { parseRecord } from './prepRecord';
import { batchCommand } from './remoteAction';
import type { ActionOutcome } from './remoteAction';
import { teardownPlan, teardownQuery } from './teardownPlan';


export type StepOutcome = 'already done' | 'will change' | 'changed' | 'failed' | 'manual';

export interface StepReport {
  id: string;
  title: string;
  why: string;
  outcome: StepOutcome;
  current?: string;
  actions: string[];
  fix?: string;
  severity?: 'error' | 'warning';
  error?: string;
}

export interface HostReport {
  host: string;
  roles: string[];
  mode: 'prepare' | 'teardown';
  dryRun: boolean;
  init?: InitSystem;
  /** No failed step, no manual step of severity error, no error. */
  ok: boolean;
  steps: StepReport[];
  /** Set when the host could not be handled at all (connection, read, corrupt record). */
  error?: string;
  /** Remote execs used (read, apply, verify). */
  execs: number;
}

export interface RunOptions extends PlanOptions {
  dryRun?: boolean;
  concurrency?: number;
  /** The record path per host (default: options.statePath or /var/lib/vscode-lvs/hostprep.json). */
  statePathFor?: (host: string) => string;
  onHostDone?: (report: HostReport) => void;
}

function toReport(s: PlanStep, outcome: StepOutcome, error?: string): StepReport {
  const r: StepReport = { id: s.id, title: s.title, why: s.why, outcome, actions: s.actions.map((a) => a.description) };
  if (s.current !== undefined) r.current = s.current;
  if (s.fix !== undefined) r.fix = s.fix;
  if (s.severity !== undefined) r.severity = s.severity;
  if (error !== undefined) r.error = error;
  return r;
}

function isOk(steps: StepReport[]): boolean {
  return steps.every((s) => s.outcome !== 'failed' && !(s.outcome === 'manual' && s.severity === 'error'));
}

/** Applies a plan (one exec), re-plans from a fresh read (one exec) and reports each step. */
async function applyAndVerify(run: HostRunner, plan: HostPlan, replan: () => Promise<HostPlan>, base: Omit<HostReport, 'steps' | 'ok' | 'execs'>, execs: number): Promise<HostReport> {
  const actions = planActions(plan);
  const initial = (s: PlanStep): StepReport => toReport(s, s.status === 'done' ? 'already done' : s.status === 'manual' ? 'manual' : 'will change');
  if (base.dryRun || actions.length === 0) {
    const steps = plan.steps.map(initial);
    return { ...base, steps, ok: isOk(steps), execs };
  }
  const outcomes: ActionOutcome[] = await run(plan.host, batchCommand(actions));
  const failed = new Map<string, string>();
  for (const o of outcomes) {
    if (o.exitCode !== undefined && o.exitCode !== 0) failed.set(o.action.description, `exit ${o.exitCode}${o.output ? `: ${o.output}` : ''}`);
    else if (o.exitCode === undefined) failed.set(o.action.description, 'not run: an earlier change failed');
  }
  const after = await replan();
  const steps = plan.steps.map((s) => {
    if (s.status !== 'change') return initial(s);
    const err = s.actions.map((a) => failed.get(a.description)).find((e) => e !== undefined);
    if (err !== undefined) return toReport(s, 'failed', err);
    // The record is judged by its write alone: a re-plan after a failure would want to record again.
    const now = s.id === 'record' ? undefined : after.steps.find((x) => x.id === s.id);
    if (now && now.status !== 'done') return toReport(s, 'failed', `still not done after the change (now ${now.current ?? now.status})`);
    return toReport(s, 'changed');
  });
  return { ...base, steps, ok: isOk(steps), execs: execs + 2 };
}

export async function prepareHost(run: HostRunner, req: HostRequirements, options: PlanOptions & { dryRun?: boolean } = {}): Promise<HostReport> {
  const decide = async (): Promise<HostPlan> => planHost(req, await run(req.host, readStateCommand(prepareQuery(req, options))), options);
  const plan = await decide();
  return applyAndVerify(run, plan, decide, { host: req.host, roles: req.roles, mode: 'prepare', dryRun: options.dryRun ?? false, init: plan.init }, 1);
}

export async function teardownHost(run: HostRunner, host: string, options: { statePath?: string; dryRun?: boolean } = {}): Promise<HostReport> {
  const statePath = options.statePath ?? DEFAULT_STATE_FILE;
  const first = await run(host, readStateCommand({ files: [statePath] }));
  const record = parseRecord(first.files.get(statePath), statePath);
  const query = teardownQuery(record, statePath);
  const decide = async (): Promise<HostPlan> => teardownPlan(host, record, await run(host, readStateCommand(query)), statePath);
  const plan = await decide();
  return applyAndVerify(run, plan, decide, { host, roles: ['teardown'], mode: 'teardown', dryRun: options.dryRun ?? false }, 2);
}

function errorReport(host: string, roles: string[], mode: HostReport['mode'], dryRun: boolean, error: Error): HostReport {
  return { host, roles, mode, dryRun, ok: false, steps: [], error: error.message, execs: 0 };
}

/** Prepares (or tears down) every host of `reqs`, `concurrency` at a time (default 8). */
export async function runPreparation(run: HostRunner, reqs: readonly HostRequirements[], options: RunOptions & { teardown?: boolean } = {}): Promise<HostReport[]> {
  const byHost = new Map(reqs.map((r) => [r.host, r]));
  const statePathFor = options.statePathFor ?? ((): string => options.statePath ?? DEFAULT_STATE_FILE);
  const outcomes = await runOnHosts(reqs.map((r) => r.host), async (host) => {
    const req = byHost.get(host);
    if (!req) throw new Error(`no requirements for ${host}`);
    const statePath = statePathFor(host);
    const report = options.teardown
      ? await teardownHost(run, host, { statePath, dryRun: options.dryRun ?? false })
      : await prepareHost(run, req, { ...options, statePath });
    options.onHostDone?.(report);
    return report;
  }, options.concurrency !== undefined ? { concurrency: options.concurrency } : {});
  return outcomes.map((o) => {
    if (o.ok) return o.value;
    const report = errorReport(o.host, byHost.get(o.host)?.roles ?? [], options.teardown ? 'teardown' : 'prepare', options.dryRun ?? false, o.error);
    options.onHostDone?.(report);
    return report;
  });
}
