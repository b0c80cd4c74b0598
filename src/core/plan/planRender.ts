/**
 * A plan for people (terraform-like `+ ~ -` text), for programs (JSON) and for ipvsadm (`-R` lines).
 */

import type { Plan, PlanOp, PlanStep } from './planTypes';

const SIGN: Readonly<Record<PlanOp, string>> = {
  'add-service': '+', 'add-server': '+', 'edit-service': '~', 'edit-server': '~', 'drain-server': '~',
  'delete-server': '-', 'delete-service': '-',
};

function describe(step: PlanStep): string {
  const svc = step.service;
  switch (step.op) {
    case 'add-service': return `add service ${svc}`;
    case 'edit-service': return `edit service ${svc}`;
    case 'delete-service': return `delete service ${svc}`;
    case 'add-server': return `add real server ${step.server ?? ''} to ${svc}`;
    case 'edit-server': return `edit real server ${step.server ?? ''} of ${svc}`;
    case 'drain-server': return `drain real server ${step.server ?? ''} of ${svc}`;
    case 'delete-server': return `delete real server ${step.server ?? ''} from ${svc}`;
  }
}

export interface PlanSummary {
  add: number;
  change: number;
  drain: number;
  delete: number;
}

export function planSummary(plan: Plan): PlanSummary {
  const s: PlanSummary = { add: 0, change: 0, drain: 0, delete: 0 };
  for (const step of plan.steps) {
    if (step.op === 'add-service' || step.op === 'add-server') s.add++;
    else if (step.op === 'edit-service' || step.op === 'edit-server') s.change++;
    else if (step.op === 'drain-server') s.drain++;
    else s.delete++;
  }
  return s;
}

/** Human-readable plan of one director, indented under a heading the caller prints. */
export function renderPlanText(plan: Plan): string {
  const out: string[] = [];
  for (const step of plan.steps) {
    let head = `  ${SIGN[step.op]} ${describe(step)}`;
    if (step.changes && step.changes.length > 0) head += `: ${step.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ')}`;
    out.push(head);
    if (step.note) out.push(`      (${step.note})`);
    out.push(`      ${step.line}`);
  }
  for (const p of plan.pending) {
    const c = p.counters ? `${p.counters.activeConn} active, ${p.counters.inactConn} inactive` : 'connections unknown';
    out.push(`  … waiting: ${p.server} of ${p.service} is drained (${c}); deleted when idle${p.deletesService ? ', then the service' : ''}`);
  }
  for (const f of plan.foreign) {
    out.push(f.pruned
      ? `  - foreign service ${f.service} (${f.realServers} real servers) is pruned`
      : `  ! foreign service ${f.service} (${f.realServers} real servers) is not in the file: kept (prune: true removes it)`);
  }
  const s = planSummary(plan);
  if (plan.steps.length === 0) out.push(plan.pending.length > 0 ? '  No changes (drains pending).' : '  No changes: the table matches the file.');
  else out.push(`  Plan: ${s.add} to add, ${s.change} to change, ${s.drain} to drain, ${s.delete} to delete.`);
  return `${out.join('\n')}\n`;
}

export interface PlanStepJson {
  op: PlanOp;
  line: string;
  service: string;
  server?: string;
  changes?: { field: string; from: string; to: string }[];
  note?: string;
}

export interface DirectorPlanJson {
  host: string;
  steps: PlanStepJson[];
  pending: { service: string; server: string; activeConn?: number; inactConn?: number; deletesService: boolean }[];
  foreign: { service: string; realServers: number; pruned: boolean }[];
}

export function planJson(host: string, plan: Plan): DirectorPlanJson {
  return {
    host,
    steps: plan.steps.map((s) => {
      const j: PlanStepJson = { op: s.op, line: s.line, service: s.service };
      if (s.server !== undefined) j.server = s.server;
      if (s.changes) j.changes = s.changes.map((c) => ({ ...c }));
      if (s.note !== undefined) j.note = s.note;
      return j;
    }),
    pending: plan.pending.map((p) => ({
      service: p.service, server: p.server, deletesService: p.deletesService,
      ...(p.counters ? { activeConn: p.counters.activeConn, inactConn: p.counters.inactConn } : {}),
    })),
    foreign: plan.foreign.map((f) => ({ ...f })),
  };
}

/** The plan as the `ipvsadm -R` stream that performs it. */
export function planRulesText(plan: Plan): string {
  return plan.steps.length === 0 ? '' : `${plan.steps.map((s) => s.line).join('\n')}\n`;
}
