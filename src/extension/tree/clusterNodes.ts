/**
 * The Clusters tree's nodes, built from a cluster file's model: file → cluster → directors and services →
 * real servers. Pure data with stable ids (`file#cluster/s/tcp:VIP:80/r/ADDR:PORT`); labels as operators
 * write them (`TCP 192.168.116.200:80 rr`, `192.168.116.4:80 DR w=1`). No `vscode` import: unit-tested.
 */
import { desiredService } from '../../core/clusterFile/desiredTable';
import type { ClusterFile, ClusterSpec, DirectorSpec, RealServerSpec, ServiceSpec } from '../../core/clusterFile/types';
import type { Diagnostic, Position, Range } from '../../core/diagnostics';
import { realServerKeyString, serviceKeyString } from '../../core/ipvs/types';

export type ClusterNode =
  | { kind: 'file'; id: string; file: string }
  | { kind: 'cluster'; id: string; file: string; cluster: string; range: Range }
  | { kind: 'director'; id: string; file: string; cluster: string; host: string; address?: string; range: Range }
  | { kind: 'service'; id: string; file: string; cluster: string; service: string; label: string; name?: string; range: Range; errors?: string[] }
  | { kind: 'server'; id: string; file: string; cluster: string; service: string; server: string; label: string; host?: string; weight: number; range: Range; errors?: string[] };

const METHOD = { dr: 'DR', nat: 'NAT', tun: 'TUN' } as const;

function hostPort(address: string, port: number, family: 'inet' | 'inet6'): string {
  return family === 'inet6' ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * `TCP 10.116.0.200:80 rr`. A service with errors in the file is labelled without its scheduler: the model
 * holds the default for a value it could not read, and the row must not show a scheduler nobody wrote.
 */
export function serviceLabel(s: ServiceSpec, hasErrors = false): string {
  const sched = hasErrors ? '' : ` ${s.scheduler}`;
  if (s.fwmark !== undefined) return `FWM ${s.fwmark}${s.family === 'inet6' ? ' IPv6' : ''}${sched}`;
  return `${(s.protocol ?? 'tcp').toUpperCase()} ${hostPort(s.vip ?? '?', s.port, s.family)}${sched}`;
}

/** `10.116.0.11:80 DR w=1`; with errors in the file only the address (method and weight may be defaults). */
export function serverLabel(rs: RealServerSpec, port: number, hasErrors = false): string {
  return hasErrors ? hostPort(rs.address, port, rs.family) : `${hostPort(rs.address, port, rs.family)} ${METHOD[rs.method]} w=${rs.weight}`;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function inside(inner: Range, outer: Range): boolean {
  return before(outer.start, inner.start) && before(inner.start, outer.end);
}

/** Messages of the errors that start inside `range` but inside none of `exclude` (a child's own errors). */
function errorsWithin(errors: readonly Diagnostic[], range: Range, exclude: readonly Range[] = []): string[] {
  return errors.filter((d) => d.severity === 'error' && inside(d.range, range) && !exclude.some((x) => inside(d.range, x))).map((d) => d.message);
}

export function clusterNodeId(file: string, cluster: string): string {
  return `${file}#${cluster}`;
}

/** Directors and services of a cluster; `errors` (the file's error diagnostics) mark the services they fall in. */
export function clusterChildren(file: string, model: ClusterFile, cluster: ClusterSpec, errors: readonly Diagnostic[] = []): ClusterNode[] {
  const base = clusterNodeId(file, cluster.name);
  const hosts = new Map(model.hosts.map((h) => [h.name, h]));
  const out: ClusterNode[] = cluster.directors.map((d: DirectorSpec) => {
    const n: ClusterNode = { kind: 'director', id: `${base}/d/${d.host}`, file, cluster: cluster.name, host: d.host, range: d.range };
    const address = hosts.get(d.host)?.addresses[0];
    if (address !== undefined) n.address = address;
    return n;
  });
  cluster.services.forEach((s, i) => {
    let sid: string;
    try { sid = serviceKeyString(desiredService(s).key); } catch { sid = `#${i}`; }
    const own = errorsWithin(errors, s.range, s.realServers.map((r) => r.range));
    const n: ClusterNode = { kind: 'service', id: `${base}/s/${sid}`, file, cluster: cluster.name, service: sid, label: serviceLabel(s, own.length > 0), range: s.range };
    if (s.name !== undefined) n.name = s.name;
    if (own.length) n.errors = own;
    out.push(n);
  });
  return out;
}

export function serviceChildren(model: ClusterFile, node: Extract<ClusterNode, { kind: 'service' }>, errors: readonly Diagnostic[] = []): ClusterNode[] {
  const cluster = model.clusters.find((c) => c.name === node.cluster);
  if (!cluster) return [];
  const spec = cluster.services.find((s, i) => {
    try { return serviceKeyString(desiredService(s).key) === node.service; } catch { return `#${i}` === node.service; }
  });
  if (!spec) return [];
  let desired;
  try { desired = desiredService(spec); } catch { return []; }
  return spec.realServers.map((rs, i) => {
    const real = desired.realServers[i];
    const server = realServerKeyString(real);
    const own = errorsWithin(errors, rs.range);
    const n: ClusterNode = {
      kind: 'server', id: `${node.id}/r/${server}`, file: node.file, cluster: node.cluster, service: node.service, server,
      label: serverLabel(rs, real.port, own.length > 0), weight: rs.weight, range: rs.range,
    };
    if (rs.host !== undefined) n.host = rs.host;
    if (own.length) n.errors = own;
    return n;
  });
}
