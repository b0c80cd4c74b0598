/**
 * One IPVS service of a live table (or a rules file) as a cluster-file service: every field the table
 * holds, defaults left out (the real server's port when it is the service's, plain ipip tunnels,
 * one-host persistence netmasks). How a real server is referenced (a host of the file or an address) is
 * the caller's decision, handed in as `reference`.
 */
import type { DraftRealServer, DraftService } from './importDraft';
import type { IpvsRealServer, IpvsService } from '../ipvs/types';
import { sortRealServers } from '../ipvs/ipvsOrder';

export interface RealServerReference {
  host?: string;
  comments: string[];
}

export type ReferenceRealServer = (rs: IpvsRealServer, service: IpvsService) => RealServerReference;

export function serviceDraft(service: IpvsService, name: string, reference: ReferenceRealServer): DraftService {
  const key = service.key;
  const out: DraftService = {
    name, comments: [], scheduler: service.scheduler, schedulerFlags: [...service.schedFlags], onePacket: service.onePacket, realServers: [],
  };
  let servicePort = 0;
  if (key.kind === 'fwmark') {
    out.fwmark = key.fwmark;
    if (key.family === 'inet6') out.family = 'ipv6';
  } else {
    out.protocol = key.protocol;
    out.vip = key.address;
    out.port = key.port;
    servicePort = key.port;
  }
  if (service.persistence) {
    const host = key.family === 'inet6' ? '128' : '255.255.255.255';
    out.persistence = service.persistence.netmask === host
      ? { timeout: service.persistence.timeout }
      : { timeout: service.persistence.timeout, netmask: service.persistence.netmask };
  }
  if (service.pe) out.pe = service.pe;
  for (const rs of sortRealServers(service.realServers)) {
    const ref = reference(rs, service);
    const real: DraftRealServer = {
      comments: ref.comments, method: rs.method, weight: rs.weight, upperThreshold: rs.upperThreshold, lowerThreshold: rs.lowerThreshold,
    };
    if (ref.host !== undefined) real.host = ref.host;
    else real.address = rs.address;
    if (rs.port !== servicePort) real.port = rs.port;
    const t = rs.tunnel;
    if (rs.method === 'tun' && t && (t.type !== 'ipip' || t.port !== undefined || t.checksum !== undefined)) real.tunnel = { ...t };
    out.realServers.push(real);
  }
  return out;
}
