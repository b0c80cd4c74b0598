/**
 * Model → YAML: writes a ClusterFile model back in the documented shape (format v1), every field explicit,
 * so that validating the text yields the same model. Used by the property test.
 */

import { stringify } from 'yaml';
import type { ClusterFile, ClusterSpec, HostSpec, RealServerSpec, ServiceSpec } from '../../src/core/clusterFile/types';

type Plain = Record<string, unknown>;

/** A model type without the `range` of its nodes (what the property test generates and compares). */
export type Unranged<T> = T extends Array<infer U> ? Array<Unranged<U>>
  : T extends object ? { [K in keyof T as K extends 'range' ? never : K]: Unranged<T[K]> } : T;

function hostAddressText(host: Unranged<HostSpec>, address: string): string {
  const prefix = host.prefixLengths?.[address];
  return prefix === undefined ? address : `${address}/${prefix}`;
}

function hostToYaml(host: Unranged<HostSpec>): Plain {
  const out: Plain = { name: host.name };
  if (host.addresses.length === 1) out.address = hostAddressText(host, host.addresses[0]);
  else if (host.addresses.length > 1) out.addresses = host.addresses.map((a) => hostAddressText(host, a));
  if (host.interface !== undefined) out.interface = host.interface;
  if (Object.keys(host.ssh).length > 0) out.ssh = { ...host.ssh };
  return out;
}

function realServerToYaml(rs: Unranged<RealServerSpec>): Plain {
  const out: Plain = rs.host !== undefined ? { host: rs.host } : { address: rs.address };
  out.port = rs.port;
  out.method = rs.method;
  out.weight = rs.weight;
  out.upperThreshold = rs.upperThreshold;
  out.lowerThreshold = rs.lowerThreshold;
  if (rs.tunnel) out.tunnel = { ...rs.tunnel };
  return out;
}

function serviceToYaml(s: Unranged<ServiceSpec>): Plain {
  const out: Plain = {};
  if (s.name !== undefined) out.name = s.name;
  if (s.fwmark !== undefined) {
    out.fwmark = s.fwmark;
    out.family = s.family === 'inet' ? 'ipv4' : 'ipv6';
  } else out.protocol = s.protocol;
  if (s.vip !== undefined) out.vip = s.vip;
  if (s.fwmark === undefined) out.port = s.port;
  out.scheduler = s.scheduler;
  if (s.schedulerFlags.length > 0) out.schedulerFlags = [...s.schedulerFlags];
  if (s.persistence) out.persistence = { ...s.persistence };
  if (s.pe) out.pe = s.pe;
  out.onePacket = s.onePacket;
  out.realServers = s.realServers.map(realServerToYaml);
  return out;
}

function clusterToYaml(c: Unranged<ClusterSpec>): Plain {
  return {
    name: c.name,
    directors: c.directors.map((d) => {
      const out: Plain = { host: d.host };
      if (d.interface !== undefined) out.interface = d.interface;
      if (d.vipLabel !== undefined) out.vipLabel = d.vipLabel;
      return out;
    }),
    sysctls: { ...c.sysctls },
    prune: c.prune,
    services: c.services.map(serviceToYaml),
  };
}

export function clusterFileToYamlText(file: Unranged<ClusterFile>): string {
  return stringify({ version: 1, hosts: file.hosts.map(hostToYaml), clusters: file.clusters.map(clusterToYaml) });
}

/** A deep copy without the `range` of every node, to compare models regardless of layout. */
export function withoutRanges<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'range' ? undefined : v))) as T;
}
