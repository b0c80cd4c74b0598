/**
 * What the Clusters tree shows of a cluster's live state, from the directors' previews (pure): which
 * directors answer, and per service and real server whether it is live, its connections (summed over the
 * directors), whether it is drained (live weight 0 while the file wants more), and how it drifts from the
 * file (the plan's steps that touch it).
 */
import type { PlanStep } from '../plan/planTypes';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import { counterKey } from '../plan/planTable';
import type { LoadedCluster } from './clusterSelection';
import type { DirectorPreview } from './directorPreview';

export interface DirectorLiveView {
  host: string;
  reachable: boolean;
  error?: string;
  /** Plan steps + sysctl changes apply would make. */
  changes: number;
  /** Services on the director that the file does not declare. */
  foreign: string[];
}

export interface ServiceLiveView {
  /** Reachable directors that have the service. */
  presentOn: number;
  /** Readable differences from the file (`scheduler wlc → rr`, `missing on lb2`). */
  drift: string[];
}

export interface ServerLiveView {
  presentOn: number;
  /** Live weights, one per reachable director that has it. */
  weights: number[];
  desiredWeight: number;
  activeConn: number;
  inactConn: number;
  /** Live weight 0 on some director while the file wants more. */
  drained: boolean;
  drift: string[];
}

export interface ClusterLiveView {
  cluster: string;
  directors: DirectorLiveView[];
  reachable: number;
  /** Keyed by `serviceKeyString`. */
  services: Map<string, ServiceLiveView>;
  /** Keyed by `serverViewKey(service, server)`. */
  servers: Map<string, ServerLiveView>;
  /** Some reachable director would change on apply. */
  drift: boolean;
}

export function serverViewKey(service: string, server: string): string {
  return `${service} ${server}`;
}

function stepText(step: PlanStep, host: string): string {
  const what = step.changes?.length ? step.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(', ') : `${step.op.replace('-', ' ')}${step.server !== undefined ? ` ${step.server}` : ''}`;
  return `${host}: ${what}`;
}

/** The view of a cluster before any director is read: every service and real server of the file, seen nowhere. */
export function emptyLiveView(loaded: LoadedCluster): ClusterLiveView {
  const view: ClusterLiveView = { cluster: loaded.cluster.name, directors: [], reachable: 0, services: new Map(), servers: new Map(), drift: false };
  for (const s of loaded.desired.services) {
    const sid = serviceKeyString(s.key);
    view.services.set(sid, { presentOn: 0, drift: [] });
    for (const rs of s.realServers) {
      view.servers.set(serverViewKey(sid, realServerKeyString(rs)), { presentOn: 0, weights: [], desiredWeight: rs.weight, activeConn: 0, inactConn: 0, drained: false, drift: [] });
    }
  }
  return view;
}

export function clusterLiveView(loaded: LoadedCluster, previews: readonly DirectorPreview[]): ClusterLiveView {
  const view = emptyLiveView(loaded);
  for (const p of previews) {
    if (!p.live || !p.plan) {
      view.directors.push({ host: p.host, reachable: false, error: p.error ?? 'not read', changes: 0, foreign: [] });
      continue;
    }
    view.reachable++;
    const changes = p.plan.steps.length + p.sysctls.length;
    if (changes > 0) view.drift = true;
    view.directors.push({ host: p.host, reachable: true, changes, foreign: p.plan.foreign.map((f) => f.service) });
    const liveServices = new Map(p.live.table.services.map((s) => [serviceKeyString(s.key), s]));
    for (const [sid, sv] of view.services) {
      const live = liveServices.get(sid);
      if (!live) { sv.drift.push(`${p.host}: missing`); continue; }
      sv.presentOn++;
      for (const rs of live.realServers) {
        const v = view.servers.get(serverViewKey(sid, realServerKeyString(rs)));
        if (!v) continue;
        v.presentOn++;
        v.weights.push(rs.weight);
        if (rs.weight === 0 && v.desiredWeight > 0) v.drained = true;
        const c = p.live.counters.get(counterKey(live.key, rs));
        if (c) { v.activeConn += c.activeConn; v.inactConn += c.inactConn; }
      }
    }
    for (const step of p.plan.steps) {
      if (step.server !== undefined) {
        const v = view.servers.get(serverViewKey(step.service, step.server));
        if (v && step.op !== 'add-server') v.drift.push(stepText(step, p.host));
        else if (v) v.drift.push(`${p.host}: missing`);
        else view.services.get(step.service)?.drift.push(stepText(step, p.host));
      } else if (step.op === 'edit-service') {
        view.services.get(step.service)?.drift.push(stepText(step, p.host));
      }
    }
  }
  return view;
}
