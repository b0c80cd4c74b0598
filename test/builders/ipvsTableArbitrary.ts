/**
 * Random IPVS tables as a director could hold them (what the kernel accepts): TCP/UDP/SCTP, IPv6 and
 * fwmark services, rr/wlc/sh with flags, persistence, one-packet scheduling, DR/NAT/TUN real servers
 * with weights, thresholds and tunnel options. Shared by the plan property and the import round trip.
 */
import fc from 'fast-check';
import type { IpvsRealServer, IpvsService, IpvsTable, ServiceKey } from '../../src/core/ipvs/types';
import { realServerKeyString } from '../../src/core/ipvs/types';

const KEYS: ServiceKey[] = [
  { kind: 'addr', protocol: 'tcp', address: '10.0.0.1', port: 80, family: 'inet' },
  { kind: 'addr', protocol: 'udp', address: '10.0.0.1', port: 53, family: 'inet' },
  { kind: 'addr', protocol: 'tcp', address: '2001:db8::1', port: 443, family: 'inet6' },
  { kind: 'addr', protocol: 'sctp', address: '10.0.0.2', port: 3868, family: 'inet' },
  { kind: 'fwmark', fwmark: 5, family: 'inet' },
  { kind: 'fwmark', fwmark: 6, family: 'inet6' },
];

function server(key: ServiceKey): fc.Arbitrary<IpvsRealServer> {
  const v6 = key.family === 'inet6';
  return fc.record({
    host: fc.integer({ min: 1, max: 4 }),
    method: fc.constantFrom('dr' as const, 'nat' as const, 'tun' as const),
    weight: fc.integer({ min: 0, max: 5 }),
    upper: fc.constantFrom(0, 100),
    lower: fc.constantFrom(0, 10),
    natPort: fc.constantFrom(80, 8080),
    tunnel: fc.constantFrom(undefined, { type: 'ipip' as const }, { type: 'gue' as const, port: 6080, checksum: 'csum' as const }, { type: 'gre' as const, checksum: 'nocsum' as const }),
  }).map((r) => {
    const port = key.kind === 'fwmark' ? 0 : r.method === 'nat' ? r.natPort : key.port;
    const rs: IpvsRealServer = {
      address: v6 ? `2001:db8::1${r.host}` : `10.0.1.${r.host}`, port, family: key.family, method: r.method, weight: r.weight,
      upperThreshold: Math.max(r.upper, r.lower), lowerThreshold: r.lower,
    };
    if (r.method === 'tun') rs.tunnel = r.tunnel ?? { type: 'ipip' };
    return rs;
  });
}

const service = (key: ServiceKey): fc.Arbitrary<IpvsService> => fc.record({
  scheduler: fc.constantFrom('rr' as const, 'wlc' as const, 'sh' as const),
  flags: fc.constantFrom([] as const, ['sh-port'] as const),
  persistence: fc.option(fc.constantFrom(60, 300), { nil: undefined }),
  onePacket: fc.boolean(),
  servers: fc.uniqueArray(server(key), { maxLength: 4, selector: (rs) => realServerKeyString(rs) }),
}).map((r) => {
  const s: IpvsService = {
    key, scheduler: r.scheduler, schedFlags: r.scheduler === 'sh' ? [...r.flags] : [],
    onePacket: r.onePacket && key.kind === 'addr' && key.protocol === 'udp', realServers: r.servers,
  };
  if (r.persistence !== undefined) s.persistence = { timeout: r.persistence, netmask: key.family === 'inet6' ? '128' : '255.255.255.255' };
  return s;
});

/** Random live tables: any subset of KEYS, each with up to four real servers of every method. */
export const ipvsTableArb: fc.Arbitrary<IpvsTable> = fc.subarray(KEYS).chain((keys) => fc.tuple(...keys.map(service))).map((services) => ({ services }));
