/**
 * The plan: a pure function from (desired table, live table + counters, options) to the ordered, minimal
 * list of ipvsadm steps that turn the live table into the desired one.
 *
 *  - keyed by service key (protocol + VIP + port, or fwmark + family) and real server address:port, so a
 *    protocol/VIP/port change is a delete + add, while a scheduler, persistence, flag or one-packet change
 *    is one complete `-E`, and a weight/threshold/method/tunnel change one complete `-e`;
 *  - removed real servers are drained (weight 0) and deleted only when idle (ActiveConn + InActConn = 0),
 *    unless `force`, or the service is UDP (no connection to keep: kube-proxy does the same);
 *  - removed services likewise: their real servers are drained, the service is deleted once all are idle;
 *  - live services the file does not declare and lvsctl did not create (`managed`) are foreign: listed,
 *    never touched unless `prune`.
 *
 * Step order: add services, edit services, add servers, edit servers, drain, delete servers, delete
 * services; inside a group, ipvsadm's own sort order. Linear in the size of both tables (plus the sort).
 */

import { EndpointLookup } from '../ipvs/endpointLookup';
import type { IpvsCommand, RealServerRef } from '../ipvs/ipvsCommand';
import { compareRealServers, compareServices } from '../ipvs/ipvsOrder';
import { schedFlagBits } from '../ipvs/schedulers';
import type { IpvsRealServer, IpvsService, IpvsTable, ServiceKey } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import { ipvsadmLine, serviceSettings } from './ipvsadmLines';
import type {
  CounterMap, FieldChange, ForeignService, LiveTable, PendingDrain, Plan, PlanOp, PlanOptions, PlanStep, ServerCounters,
} from './planTypes';
import { PLAN_OP_ORDER } from './planTypes';

/** Key of a real server's counters in a CounterMap. */
export function counterKey(key: ServiceKey, server: Pick<IpvsRealServer, 'address' | 'port' | 'family'>): string {
  return `${serviceKeyString(key)} ${realServerKeyString(server)}`;
}

function persistenceText(s: IpvsService): string {
  return s.persistence ? `${s.persistence.timeout}s mask ${s.persistence.netmask}` : 'off';
}

/** What `-E` would change, field by field (empty: nothing). */
export function serviceChanges(live: IpvsService, want: IpvsService): FieldChange[] {
  if (live.scheduler === want.scheduler && live.onePacket === want.onePacket && live.pe === want.pe
    && live.persistence === undefined && want.persistence === undefined && live.schedFlags.length === 0 && want.schedFlags.length === 0) return [];
  const out: FieldChange[] = [];
  if (live.scheduler !== want.scheduler) out.push({ field: 'scheduler', from: live.scheduler, to: want.scheduler });
  if (schedFlagBits(live.schedFlags) !== schedFlagBits(want.schedFlags)) {
    out.push({ field: 'flags', from: live.schedFlags.join(',') || 'none', to: want.schedFlags.join(',') || 'none' });
  }
  const lp = persistenceText(live);
  const wp = persistenceText(want);
  if (lp !== wp) out.push({ field: 'persistence', from: lp, to: wp });
  if ((live.pe ?? '') !== (want.pe ?? '')) out.push({ field: 'pe', from: live.pe ?? 'none', to: want.pe ?? 'none' });
  if (live.onePacket !== want.onePacket) out.push({ field: 'one-packet', from: String(live.onePacket), to: String(want.onePacket) });
  return out;
}

function tunnelText(rs: IpvsRealServer): string {
  if (rs.method !== 'tun') return '-';
  const t = rs.tunnel ?? { type: 'ipip' as const };
  if (t.type === 'ipip') return 'ipip';
  return t.type === 'gue' ? `gue:${t.port ?? 0}:${t.checksum ?? 'nocsum'}` : `gre:${t.checksum ?? 'nocsum'}`;
}

/** What `-e` would change, field by field (empty: nothing). */
export function serverChanges(live: IpvsRealServer, want: IpvsRealServer): FieldChange[] {
  // Fast path (the common case in a large table): nothing differs.
  if (live.method === want.method && live.weight === want.weight && live.upperThreshold === want.upperThreshold
    && live.lowerThreshold === want.lowerThreshold && live.method !== 'tun') return [];
  const out: FieldChange[] = [];
  if (live.method !== want.method) out.push({ field: 'method', from: live.method, to: want.method });
  if (live.weight !== want.weight) out.push({ field: 'weight', from: String(live.weight), to: String(want.weight) });
  if (live.upperThreshold !== want.upperThreshold) out.push({ field: 'upper threshold', from: String(live.upperThreshold), to: String(want.upperThreshold) });
  if (live.lowerThreshold !== want.lowerThreshold) out.push({ field: 'lower threshold', from: String(live.lowerThreshold), to: String(want.lowerThreshold) });
  const lt = tunnelText(live);
  const wt = tunnelText(want);
  if (lt !== wt) out.push({ field: 'tunnel', from: lt, to: wt });
  return out;
}

function ref(rs: IpvsRealServer): RealServerRef {
  return { address: rs.address, port: rs.port, family: rs.family };
}

function isUdp(key: ServiceKey): boolean {
  return key.kind === 'addr' && key.protocol === 'udp';
}

interface Sortable {
  step: PlanStep;
  svc: IpvsService;
  rs?: IpvsRealServer;
}

class PlanBuilder {
  readonly items: Sortable[] = [];
  readonly pending: PendingDrain[] = [];

  constructor(private readonly counters: CounterMap | undefined, private readonly force: boolean) {}

  push(op: PlanOp, svc: IpvsService, command: IpvsCommand, rs?: IpvsRealServer, extra: Partial<PlanStep> = {}): void {
    const step: PlanStep = { op, service: serviceKeyString(svc.key), line: ipvsadmLine(command), command, ...extra };
    if (rs) step.server = realServerKeyString(rs);
    this.items.push(rs ? { step, svc, rs } : { step, svc });
  }

  countersOf(svc: IpvsService, rs: IpvsRealServer): ServerCounters | undefined {
    return this.counters?.get(counterKey(svc.key, rs));
  }

  /** True when the real server can go at once: forced, UDP, or known to be idle. */
  idle(svc: IpvsService, rs: IpvsRealServer): boolean {
    if (this.force || isUdp(svc.key)) return true;
    const c = this.countersOf(svc, rs);
    return c !== undefined && c.activeConn + c.inactConn === 0;
  }

  /** Drain a real server that must go (weight 0 unless it already is), and remember it as pending. */
  drain(svc: IpvsService, rs: IpvsRealServer, deletesService: boolean): void {
    const counters = this.countersOf(svc, rs);
    if (rs.weight !== 0) {
      const note = counters
        ? `${counters.activeConn} active, ${counters.inactConn} inactive connections: weight 0 now, deleted when idle`
        : 'connections unknown: weight 0 now, deleted when idle';
      this.push('drain-server', svc, { kind: 'edit-server', key: svc.key, server: { ...rs, weight: 0 } }, rs, {
        changes: [{ field: 'weight', from: String(rs.weight), to: '0' }], note,
      });
    }
    const p: PendingDrain = { service: serviceKeyString(svc.key), server: realServerKeyString(rs), key: svc.key, ref: ref(rs), deletesService };
    if (counters) p.counters = counters;
    this.pending.push(p);
  }

  removeService(svc: IpvsService, note?: string): void {
    const busy = svc.realServers.filter((rs) => !this.idle(svc, rs));
    if (busy.length === 0) {
      this.push('delete-service', svc, { kind: 'delete-service', key: svc.key }, undefined, note ? { note } : {});
      return;
    }
    for (const rs of busy) this.drain(svc, rs, true);
    // Idle ones can go now; the service goes with the last busy one.
    for (const rs of svc.realServers) {
      if (!busy.includes(rs)) this.push('delete-server', svc, { kind: 'delete-server', key: svc.key, server: ref(rs) }, rs);
    }
  }

  sorted(): PlanStep[] {
    const rank = new Map(PLAN_OP_ORDER.map((op, i) => [op, i]));
    return this.items
      .sort((a, b) =>
        (rank.get(a.step.op) ?? 0) - (rank.get(b.step.op) ?? 0)
        || compareServices(a.svc, b.svc)
        || (a.rs && b.rs ? compareRealServers(a.rs, b.rs) : a.rs ? 1 : b.rs ? -1 : 0))
      .map((i) => i.step);
  }
}

export function planTable(desired: IpvsTable, live: LiveTable, options: PlanOptions = {}): Plan {
  const b = new PlanBuilder(live.counters, options.force ?? false);
  const liveKeys = live.table.services.map((s) => serviceKeyString(s.key));
  const liveIndex = new Map(liveKeys.map((k, i) => [k, i]));
  const wanted = new Uint8Array(liveKeys.length);
  for (const want of desired.services) {
    const li = liveIndex.get(serviceKeyString(want.key));
    if (li === undefined) {
      b.push('add-service', want, { kind: 'add-service', service: serviceSettings(want) });
      for (const rs of want.realServers) b.push('add-server', want, { kind: 'add-server', key: want.key, server: rs }, rs);
      continue;
    }
    wanted[li] = 1;
    const have = live.table.services[li];
    const sc = serviceChanges(have, want);
    if (sc.length > 0) b.push('edit-service', want, { kind: 'edit-service', service: serviceSettings(want) }, undefined, { changes: sc });
    const haveServers = new EndpointLookup(have.realServers);
    const kept = new Uint8Array(have.realServers.length);
    for (let i = 0; i < want.realServers.length; i++) {
      const rs = want.realServers[i];
      const j = haveServers.indexOf(rs, i);
      if (j < 0) {
        b.push('add-server', want, { kind: 'add-server', key: want.key, server: rs }, rs);
        continue;
      }
      kept[j] = 1;
      const rc = serverChanges(have.realServers[j], rs);
      if (rc.length > 0) b.push('edit-server', want, { kind: 'edit-server', key: want.key, server: rs }, rs, { changes: rc });
    }
    for (let j = 0; j < have.realServers.length; j++) {
      if (kept[j]) continue;
      const h = have.realServers[j];
      if (b.idle(have, h)) b.push('delete-server', have, { kind: 'delete-server', key: have.key, server: ref(h) }, h);
      else b.drain(have, h, false);
    }
  }
  const foreign: ForeignService[] = [];
  live.table.services.forEach((have, li) => {
    const k = liveKeys[li];
    if (wanted[liveIndex.get(k) ?? li]) return; // (a key listed twice counts as one service, as before)
    if (options.keep?.has(k)) return;
    if (options.managed?.has(k)) {
      b.removeService(have);
      return;
    }
    const prune = options.prune ?? false;
    foreign.push({ service: k, realServers: have.realServers.length, pruned: prune });
    if (prune) b.removeService(have, 'foreign service, pruned');
  });
  foreign.sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : 0));
  return { steps: b.sorted(), pending: b.pending, foreign };
}

/** True when the plan changes nothing (pending drains may still wait). */
export function planIsEmpty(plan: Plan): boolean {
  return plan.steps.length === 0;
}
