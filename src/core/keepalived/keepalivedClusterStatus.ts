/**
 * The live status of a keepalived cluster (pure): from each director's reading (keepalivedStatusRead.ts), per
 * director its VRRP role in the cluster's instance (the instance is named after the cluster), priorities, the
 * master it hears and whether it holds the VIPs; per service of the file and real server, each director's
 * checker verdict (up / down / not checked / unknown) and whether its IPVS table has the server. The file
 * says which real servers to expect, keepalived says how they are.
 */
import { desiredService } from '../clusterFile/desiredTable';
import type { ClusterSpec, ServiceSpec } from '../clusterFile/types';
import type { IpvsTable } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { CheckDump, RealServerStatus, VirtualServerStatus, VrrpState } from './keepalivedStatus';
import type { RunningReading } from './keepalivedStatusRead';

export interface DirectorHaStatus {
  host: string;
  /** Why the director could not be read (keepalived not running, SSH failure…). */
  error?: string;
  /** State of the cluster's VRRP instance; undefined when unread or the instance is not in keepalived's configuration. */
  role?: VrrpState;
  priority?: number;
  effectivePriority?: number;
  /** BACKUP: the master's address it hears. */
  masterRouter?: string;
  /** Since when the role holds, seconds since the epoch. */
  since?: number;
  /** VIPs keepalived has set on this director. */
  heldVips: string[];
}

export type CheckVerdict = 'up' | 'down' | 'unchecked' | 'unknown';

export interface ServerVerdict {
  director: string;
  verdict: CheckVerdict;
  /** In the director's IPVS table with a weight above 0. */
  inTable: boolean;
  /** e.g. `HTTP_GET / failed`, `TCP_CHECK failed (errno 111)`, `not checked yet`. */
  detail?: string;
}

export interface ServerHaStatus {
  /** The host name in the file, else `address:port`. */
  name: string;
  /** `realServerKeyString` of the desired real server (the Clusters tree's key). */
  server: string;
  address: string;
  port: number;
  verdicts: ServerVerdict[];
}

export interface ServiceHaStatus {
  /** `tcp 10.0.0.1:80` / `fwmark 5` (+ ` (name)`). */
  label: string;
  /** `serviceKeyString` of the desired service (the Clusters tree's key). */
  service: string;
  realServers: ServerHaStatus[];
  /** Directors whose keepalived reports the quorum lost (the sorry server, if any, is in use there). */
  quorumLostOn: string[];
  sorryServer?: string;
}

export interface KeepalivedClusterStatus {
  cluster: string;
  directors: DirectorHaStatus[];
  services: ServiceHaStatus[];
  /** Directors in MASTER state. */
  masters: string[];
}

export type DirectorReadOutcome = { host: string; reading: RunningReading } | { host: string; error: string };

function serviceLabel(s: ServiceSpec): string {
  const base = s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.protocol ?? 'tcp'} ${s.family === 'inet6' ? `[${s.vip ?? ''}]` : s.vip ?? ''}:${s.port}`;
  return s.name ? `${base} (${s.name})` : base;
}

function findVirtualServer(check: CheckDump | undefined, s: ServiceSpec): VirtualServerStatus | undefined {
  return check?.virtualServers.find((v) => {
    if (s.fwmark !== undefined) return v.key.kind === 'fwmark' && v.key.fwmark === s.fwmark;
    return v.key.kind === 'address' && v.key.address === s.vip && v.key.port === s.port && v.key.protocol === (s.protocol ?? 'tcp');
  });
}

function inTable(table: IpvsTable, s: ServiceSpec, address: string, port: number): boolean {
  return table.services.some((t) => {
    const k = t.key;
    const same = s.fwmark !== undefined ? k.kind === 'fwmark' && k.fwmark === s.fwmark
      : k.kind === 'addr' && k.address === s.vip && k.port === s.port && k.protocol === (s.protocol ?? 'tcp');
    return same && t.realServers.some((r) => r.address === address && r.port === port && r.weight > 0);
  });
}

function verdictOf(rs: RealServerStatus | undefined): { verdict: CheckVerdict; detail?: string } {
  if (!rs) return { verdict: 'unknown', detail: 'not in keepalived\'s configuration' };
  if (rs.checkers.length === 0) return { verdict: 'unchecked' };
  const failed = rs.checkers.filter((c) => c.hasRun && !c.up);
  if (!rs.alive && failed.length > 0) {
    const why = failed.map((c) => `${c.method ?? 'checker'}${c.failedUrl !== undefined ? ` ${c.failedUrl}` : ''} failed${c.lastErrno !== undefined ? ` (errno ${c.lastErrno})` : ''}`);
    return { verdict: 'down', detail: why.join(', ') };
  }
  if (!rs.alive) {
    if (rs.checkers.some((c) => !c.hasRun)) return { verdict: 'down', detail: 'not checked yet' };
    return { verdict: 'down', detail: 'disabled' };
  }
  return { verdict: 'up' };
}

export function keepalivedClusterStatus(cluster: ClusterSpec, outcomes: readonly DirectorReadOutcome[]): KeepalivedClusterStatus {
  const status: KeepalivedClusterStatus = { cluster: cluster.name, directors: [], services: [], masters: [] };
  for (const o of outcomes) {
    if ('error' in o) { status.directors.push({ host: o.host, error: o.error, heldVips: [] }); continue; }
    const d: DirectorHaStatus = { host: o.host, heldVips: [] };
    const inst = o.reading.vrrp?.instances.find((i) => i.name === cluster.name);
    if (inst) {
      d.role = inst.state;
      if (inst.priority !== undefined) d.priority = inst.priority;
      if (inst.effectivePriority !== undefined) d.effectivePriority = inst.effectivePriority;
      if (inst.masterRouter !== undefined) d.masterRouter = inst.masterRouter;
      if (inst.lastTransition !== undefined) d.since = inst.lastTransition;
      d.heldVips = [...inst.addresses, ...inst.excludedAddresses].filter((a) => a.held).map((a) => a.address.replace(/\/\d+$/, ''));
      if (inst.state === 'MASTER') status.masters.push(o.host);
    } else {
      d.error = `keepalived runs without the VRRP instance ${cluster.name}`;
    }
    status.directors.push(d);
  }
  for (const s of cluster.services) {
    // The desired table's ports are keepalived's too: the service's for DR/TUN of a port service (as rendered).
    const desired = desiredService(s);
    const svc: ServiceHaStatus = { label: serviceLabel(s), service: serviceKeyString(desired.key), realServers: [], quorumLostOn: [] };
    if (s.sorryServer) svc.sorryServer = `${s.sorryServer.address}:${s.sorryServer.port}`;
    s.realServers.forEach((rs, i) => {
      const real = desired.realServers[i];
      svc.realServers.push({ name: rs.host ?? `${rs.address}:${real.port}`, server: realServerKeyString(real), address: rs.address, port: real.port, verdicts: [] });
    });
    for (const o of outcomes) {
      if ('error' in o) continue;
      const vs = findVirtualServer(o.reading.check, s);
      if (vs && !vs.quorumUp) svc.quorumLostOn.push(o.host);
      for (const server of svc.realServers) {
        const live = vs?.realServers.find((r) => r.address === server.address && r.port === server.port);
        const v = vs ? verdictOf(live) : { verdict: 'unknown' as const, detail: 'service not in keepalived\'s configuration' };
        const verdict: ServerVerdict = { director: o.host, verdict: v.verdict, inTable: inTable(o.reading.table, s, server.address, server.port) };
        if (v.detail !== undefined) verdict.detail = v.detail;
        server.verdicts.push(verdict);
      }
    }
    status.services.push(svc);
  }
  return status;
}

/** Reads every director of the cluster (one exec each, in parallel); a failure is that director's error. */
export function readKeepalivedDirectors(read: (host: string) => Promise<RunningReading>, cluster: ClusterSpec): Promise<DirectorReadOutcome[]> {
  return Promise.all(cluster.directors.map(async ({ host }): Promise<DirectorReadOutcome> => {
    try {
      return { host, reading: await read(host) };
    } catch (err) {
      return { host, error: err instanceof Error ? err.message : String(err) };
    }
  }));
}

/** Reads every director of the cluster and builds the status. */
export async function readKeepalivedCluster(read: (host: string) => Promise<RunningReading>, cluster: ClusterSpec): Promise<KeepalivedClusterStatus> {
  return keepalivedClusterStatus(cluster, await readKeepalivedDirectors(read, cluster));
}
