/**
 * A StatsReading (three listings of one director) merged into one DirectorSnapshot: per service and real
 * server the totals (`--stats`), the kernel's rates (`--rate`), ActiveConn/InActConn/weight (`-Ln`), the
 * deltas of the totals since the previous snapshot, and the share of traffic against the weights.
 */
import type { ListedServiceColumns } from '../ipvs/listParser';
import type { Endpoint } from '../ipvs/endpointLookup';
import { EndpointLookup } from '../ipvs/endpointLookup';
import type { RateCounters, StatsCounters, StatsService } from '../ipvs/statsParser';
import type { IpvsService, ServiceKey } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { CounterSet, DirectorSnapshot, RateSet, RealServerStats, ServiceStats } from '../../shared/statsProtocol';
import { shareOfTraffic } from './shareOfTraffic';
import type { StatsReading } from './statsReading';

/** Connections per real server id at the share-of-traffic baseline. */
export type ShareBaseline = Map<string, number>;

export interface SnapshotContext {
  director: string;
  /** ms since the epoch. */
  time: number;
  previous?: DirectorSnapshot;
  /** Updated in place: real servers seen for the first time get their current conns. */
  baseline?: ShareBaseline;
  /** Service names from the cluster file, by service id. */
  serviceNames?: ReadonlyMap<string, string>;
  /** Host names of the real servers from the cluster file, by real server id. */
  serverHosts?: ReadonlyMap<string, string>;
}

const ZERO_RATE: RateSet = { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
const ZERO_TOTALS: CounterSet = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 };

export function serviceLabel(key: ServiceKey): string {
  if (key.kind === 'fwmark') return `FWM ${key.fwmark}${key.family === 'inet6' ? ' IPv6' : ''}`;
  const host = key.family === 'inet6' ? `[${key.address}]` : key.address;
  return `${key.protocol.toUpperCase()} ${host}:${key.port}`;
}

/** Per-second deltas of two totals; undefined when a counter went backwards (zeroed, re-added). */
export function deltaRate(now: CounterSet, before: CounterSet | undefined, seconds: number | undefined): RateSet | undefined {
  if (!before || !seconds || seconds <= 0) return undefined;
  const d = (a: number, b: number): number => (a - b) / seconds;
  if (now.conns < before.conns || now.inPkts < before.inPkts || now.outPkts < before.outPkts || now.inBytes < before.inBytes || now.outBytes < before.outBytes) return undefined;
  return {
    cps: d(now.conns, before.conns),
    inPps: d(now.inPkts, before.inPkts),
    outPps: d(now.outPkts, before.outPkts),
    inBps: d(now.inBytes, before.inBytes),
    outBps: d(now.outBytes, before.outBytes),
  };
}

// The parsers' counter objects have exactly the protocol's fields and are never changed after parsing:
// the snapshot takes them as they are (10,000 rows: 20,000 objects fewer per tick).
function rateOf(c: RateCounters | undefined): RateSet {
  return c ?? { ...ZERO_RATE };
}

function totalsOf(c: StatsCounters | undefined): CounterSet {
  return c ?? { ...ZERO_TOTALS };
}

interface ListedService {
  svc: IpvsService;
  cols: ListedServiceColumns;
}

function indexListing(services: readonly IpvsService[], counters: readonly ListedServiceColumns[]): Map<string, ListedService> {
  const m = new Map<string, ListedService>();
  services.forEach((svc, i) => m.set(serviceKeyString(svc.key), { svc, cols: counters[i] ?? { key: svc.key, realServers: [] } }));
  return m;
}

function indexStats<C>(services: readonly StatsService<C>[]): Map<string, StatsService<C>> {
  const m = new Map<string, StatsService<C>>();
  for (const s of services) m.set(serviceKeyString(s.key), s);
  return m;
}

interface PreviousService {
  svc: ServiceStats;
  byId?: Map<string, RealServerStats>;
}

/** The totals of real server `rsId` in the previous snapshot's service; position `hint` is tried first. */
function previousTotals(prev: PreviousService | undefined, hint: number, rsId: string): CounterSet | undefined {
  if (!prev) return undefined;
  const list = prev.svc.realServers;
  if (hint < list.length && list[hint].id === rsId) return list[hint].totals;
  prev.byId ??= new Map(list.map((r) => [r.id, r]));
  return prev.byId.get(rsId)?.totals;
}

export function buildSnapshot(reading: StatsReading, ctx: SnapshotContext): DirectorSnapshot {
  const seconds = ctx.previous ? (ctx.time - ctx.previous.time) / 1000 : undefined;
  const prevSvc = new Map<string, PreviousService>();
  for (const s of ctx.previous?.services ?? []) prevSvc.set(s.id, { svc: s });
  const listed = indexListing(reading.list.table.services, reading.list.counters);
  const thresholds = reading.thresholds ? indexListing(reading.thresholds.table.services, reading.thresholds.counters) : undefined;
  const persistent = reading.persistent ? indexListing(reading.persistent.table.services, reading.persistent.counters) : undefined;
  const rates = indexStats(reading.rate.services);
  const warnings = [...reading.stats.diagnostics, ...reading.rate.diagnostics, ...reading.list.diagnostics]
    .filter((d) => d.severity === 'error').slice(0, 5).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);

  // The service order of `--stats` (the kernel's), services only in `-Ln` (added between the calls) after.
  const order: string[] = reading.stats.services.map((s) => serviceKeyString(s.key));
  const inOrder = new Set(order);
  for (const id of listed.keys()) if (!inOrder.has(id)) order.push(id);
  const statsById = indexStats(reading.stats.services);

  const services: ServiceStats[] = order.map((id) => {
    const st = statsById.get(id);
    const li = listed.get(id);
    const rt = rates.get(id);
    const key = st?.key ?? li?.svc.key as ServiceKey;
    // The real servers in `--stats` order, then those only in `-Ln`; the other listings and the previous
    // snapshot are matched by position first (one reading's listings come in the same order).
    const stList = st?.realServers ?? [];
    const liList = li?.svc.realServers ?? [];
    const inRate = new EndpointLookup(rt?.realServers ?? []);
    const inList = new EndpointLookup(liList);
    // Rows 0 … stList.length-1 are the --stats entries (listedAt: their -Ln index or -1), then -Ln only ones.
    const listedAt = stList.map((e, i) => inList.indexOf(e, i));
    if (liList.length > 0) {
      const seen = new Uint8Array(liList.length);
      for (const l of listedAt) if (l >= 0) seen[l] = 1;
      for (let l = 0; l < liList.length; l++) if (!seen[l]) listedAt.push(l);
    }
    const th = thresholds?.get(id);
    const inThresholds = th ? new EndpointLookup(th.svc.realServers) : undefined;
    const pe = persistent?.get(id);
    const inPersistent = pe ? new EndpointLookup(pe.svc.realServers) : undefined;
    const prev = prevSvc.get(id);
    let activeSum = 0;
    let inactSum = 0;
    const realServers: RealServerStats[] = listedAt.map((l, i) => {
      const s = i < stList.length ? stList[i] : undefined;
      const lrs = l >= 0 ? liList[l] : undefined;
      const ep: Endpoint = (s ?? lrs) as Endpoint;
      const endpoint = realServerKeyString(ep);
      const rsId = `${id}|${endpoint}`;
      const ri = inRate.indexOf(ep, i);
      const r = ri >= 0 ? rt?.realServers[ri] : undefined;
      const lcols = l >= 0 ? li?.cols.realServers[l] : undefined;
      const totals = totalsOf(s?.counters);
      const out: RealServerStats = {
        id: rsId,
        endpoint,
        activeConn: lcols?.activeConn ?? 0,
        inactConn: lcols?.inactConn ?? 0,
        totals,
        rate: rateOf(r?.counters),
        approximate: (s?.approximate ?? false) || (r?.approximate ?? false),
      };
      if (lrs) { out.weight = lrs.weight; out.method = lrs.method; }
      const host = ctx.serverHosts?.get(rsId);
      if (host !== undefined) out.host = host;
      const ti = inThresholds?.indexOf(ep, i) ?? -1;
      if (th && ti >= 0) { out.upperThreshold = th.svc.realServers[ti].upperThreshold; out.lowerThreshold = th.svc.realServers[ti].lowerThreshold; }
      const pi = inPersistent?.indexOf(ep, i) ?? -1;
      if (pe && pi >= 0) out.persistConn = pe.cols.realServers[pi].persistConn ?? 0;
      const delta = deltaRate(totals, previousTotals(prev, i, rsId), seconds);
      if (delta) out.delta = delta;
      activeSum += out.activeConn;
      inactSum += out.inactConn;
      return out;
    });
    if (ctx.baseline) for (const r of realServers) if (!ctx.baseline.has(r.id)) ctx.baseline.set(r.id, r.totals.conns);
    const share = shareOfTraffic(realServers.map((r) => ({
      id: r.id, endpoint: r.endpoint, host: r.host, weight: r.weight, conns: r.totals.conns, baselineConns: ctx.baseline?.get(r.id),
    })));
    const totals = totalsOf(st?.counters);
    const svc: ServiceStats = {
      id,
      label: serviceLabel(key),
      totals,
      rate: rateOf(rt?.counters),
      approximate: (st?.approximate ?? false) || (rt?.approximate ?? false),
      activeConn: activeSum,
      inactConn: inactSum,
      realServers,
      share,
    };
    if (li) svc.scheduler = li.svc.scheduler;
    const name = ctx.serviceNames?.get(id);
    if (name !== undefined) svc.name = name;
    const delta = deltaRate(totals, prev?.svc.totals, seconds);
    if (delta) svc.delta = delta;
    return svc;
  });
  const snap: DirectorSnapshot = { director: ctx.director, time: ctx.time, services, warnings };
  if (seconds !== undefined) snap.intervalSeconds = seconds;
  return snap;
}
