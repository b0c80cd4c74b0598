/**
 * The IPVS table a cluster's directors must hold, from the validated model — what `ipvsadm -S -n` should
 * print after apply. Defaults follow ipvsadm: scheduler wlc, method dr (-g), weight 1, persistence netmask
 * of one host (255.255.255.255 or 128); DR and TUN real servers of non-fwmark services take the service's
 * port, as ipvsadm forces it.
 */

import { SCHED_FLAGS, type IpvsRealServer, type IpvsService, type IpvsTable, type SchedFlag, type Scheduler } from '../ipvs/types';
import { serviceKeyOf } from './semanticChecks';
import type { ClusterFile, ServiceSpec } from './types';

/** The `-b` bit each flag sets: flag-1 = sh/mh-fallback, flag-2 = sh/mh-port, flag-3. */
const FLAG_BIT: Readonly<Record<SchedFlag, number>> = {
  'flag-1': 1, 'flag-2': 2, 'flag-3': 4, 'sh-fallback': 1, 'sh-port': 2, 'mh-fallback': 1, 'mh-port': 2,
};

/** Flags as ipvsadm prints them for the scheduler: sh-*, mh-*, else flag-N; in SCHED_FLAGS order. */
export function canonicalSchedFlags(scheduler: Scheduler, flags: readonly SchedFlag[]): SchedFlag[] {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BIT[f];
  const names: SchedFlag[] = [];
  const prefix = scheduler === 'sh' || scheduler === 'mh' ? scheduler : undefined;
  if (bits & 1) names.push(prefix ? `${prefix}-fallback` : 'flag-1');
  if (bits & 2) names.push(prefix ? `${prefix}-port` : 'flag-2');
  if (bits & 4) names.push('flag-3');
  return names.sort((a, b) => SCHED_FLAGS.indexOf(a) - SCHED_FLAGS.indexOf(b));
}

export function desiredService(spec: ServiceSpec): IpvsService {
  const service: IpvsService = {
    key: serviceKeyOf(spec),
    scheduler: spec.scheduler,
    schedFlags: canonicalSchedFlags(spec.scheduler, spec.schedulerFlags),
    onePacket: spec.onePacket,
    realServers: [],
  };
  if (spec.persistence) {
    service.persistence = {
      timeout: spec.persistence.timeout,
      netmask: spec.persistence.netmask ?? (spec.family === 'inet' ? '255.255.255.255' : '128'),
    };
  }
  if (spec.pe) service.pe = spec.pe;
  const forcePort = spec.fwmark === undefined;
  for (const rs of spec.realServers) {
    const real: IpvsRealServer = {
      address: rs.address,
      port: forcePort && rs.method !== 'nat' ? spec.port : rs.port,
      family: rs.family,
      method: rs.method,
      weight: rs.weight,
      upperThreshold: rs.upperThreshold,
      lowerThreshold: rs.lowerThreshold,
    };
    if (rs.method === 'tun' && rs.tunnel) real.tunnel = { ...rs.tunnel };
    service.realServers.push(real);
  }
  return service;
}

/** The desired IPVS table of cluster `clusterName`; throws when the file has no such cluster. */
export function desiredTable(file: ClusterFile, clusterName: string): IpvsTable {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`The cluster file has no cluster named "${clusterName}".`);
  return { services: cluster.services.map(desiredService) };
}
