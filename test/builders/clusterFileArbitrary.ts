/**
 * fast-check arbitrary of valid cluster-file models (without ranges), already in the validator's resolved
 * form: host references resolved to the address of the service's family, DR/TUN ports equal to the service
 * port, every default explicit. Director `lb` fronts every cluster; real-server hosts keep one forwarding
 * method each so that no conflict rule fires.
 */

import fc from 'fast-check';
import { ipv4PrefixNetmask } from '../../src/core/ipvs/address';
import { SCHEDULERS, type AddressFamily, type ForwardingMethod, type Protocol, type SchedFlag, type Scheduler, type TunnelChecksum } from '../../src/core/ipvs/types';
import type { ClusterFile, ClusterSpec, HostSpec, RealServerSpec, ServiceSpec, SshSettings } from '../../src/core/clusterFile/types';

import type { Unranged } from './clusterFileYaml';

export type UnrangedClusterFile = Unranged<ClusterFile>;

const METHODS: ForwardingMethod[] = ['dr', 'nat', 'tun'];

const sshArb: fc.Arbitrary<SshSettings> = fc.record({
  host: fc.constantFrom('10.0.0.5', 'bastion.example.org', 'fd00::5', 'node-alias'),
  port: fc.integer({ min: 1, max: 65535 }),
  user: fc.constantFrom('root', 'ops', 'deploy_1'),
  identityFile: fc.constantFrom('~/.ssh/id_ed25519', '/etc/lvs/keys/k1', 'keys/id_rsa'),
  // Files with no diagnostic at all: no `no` / `accept-new` (LVS041), no known_hosts outside ~ (LVS042).
  knownHostsFile: fc.constantFrom('~/.ssh/known_hosts', 'known_hosts_lab'),
  strictHostKeyChecking: fc.constantFrom('yes', 'ask' as const),
  proxyJump: fc.constantFrom('lb', 'ops@jump.example.org:2222', 'a.example.org,b.example.org'),
  sudo: fc.boolean(),
}, { requiredKeys: [] });

interface RawRealServer {
  /** Index into the real-server hosts, or -1 for a literal address. */
  host: number;
  literalMethod: ForwardingMethod;
  port: number;
  weight: number;
  upper: number;
  lowerRatio: number;
  tunnel: { type: 'ipip' | 'gue' | 'gre'; port: number; checksum: TunnelChecksum | undefined };
}

const rawRealServer: fc.Arbitrary<RawRealServer> = fc.record({
  host: fc.integer({ min: -1, max: 5 }),
  literalMethod: fc.constantFrom<ForwardingMethod>('nat', 'tun'),
  port: fc.integer({ min: 1, max: 65535 }),
  weight: fc.integer({ min: 0, max: 65535 }),
  upper: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
  lowerRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  tunnel: fc.record({
    type: fc.constantFrom('ipip', 'gue', 'gre' as const),
    port: fc.integer({ min: 1, max: 65535 }),
    checksum: fc.option(fc.constantFrom<TunnelChecksum>('nocsum', 'csum', 'remcsum'), { nil: undefined }),
  }),
});

interface RawService {
  fwmark: boolean;
  family: AddressFamily;
  withVip: boolean;
  protocol: Protocol;
  port: number;
  named: boolean;
  scheduler: Scheduler;
  flags: [boolean, boolean];
  persistence: { timeout: number; netmask: number | undefined } | undefined;
  pe: boolean;
  onePacket: boolean;
  realServers: RawRealServer[];
}

const rawService: fc.Arbitrary<RawService> = fc.record({
  fwmark: fc.boolean(),
  family: fc.constantFrom<AddressFamily>('inet', 'inet6'),
  withVip: fc.boolean(),
  protocol: fc.constantFrom<Protocol>('tcp', 'udp', 'sctp'),
  port: fc.integer({ min: 1, max: 65535 }),
  named: fc.boolean(),
  scheduler: fc.constantFrom(...SCHEDULERS),
  flags: fc.tuple(fc.boolean(), fc.boolean()),
  persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 86400 * 31 }), netmask: fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }) }), { nil: undefined }),
  pe: fc.boolean(),
  onePacket: fc.boolean(),
  realServers: fc.array(rawRealServer, { maxLength: 5 }),
});

function buildService(raw: RawService, index: number): Unranged<ServiceSpec> {
  const v4 = raw.family === 'inet';
  const spec: Unranged<ServiceSpec> = {
    family: raw.family,
    port: raw.fwmark ? 0 : raw.port,
    scheduler: raw.scheduler,
    schedulerFlags: [],
    onePacket: !raw.fwmark && raw.protocol === 'udp' && raw.onePacket,
    realServers: [],
  };
  if (raw.named) spec.name = `svc${index}`;
  if (raw.fwmark) spec.fwmark = 1000 + index;
  else spec.protocol = raw.protocol;
  if (!raw.fwmark || raw.withVip) spec.vip = v4 ? `192.168.116.${100 + index}` : `fd00::${(0x100 + index).toString(16)}`;
  if (raw.scheduler === 'sh' || raw.scheduler === 'mh') {
    const names: SchedFlag[] = raw.scheduler === 'sh' ? ['sh-fallback', 'sh-port'] : ['mh-fallback', 'mh-port'];
    spec.schedulerFlags = names.filter((_, i) => raw.flags[i]);
  }
  if (raw.persistence) {
    spec.persistence = { timeout: raw.persistence.timeout };
    const n = raw.persistence.netmask;
    // IPv6: a prefix length 1..128 (ipvsadm refuses 0).
    if (n !== undefined) spec.persistence.netmask = v4 ? ipv4PrefixNetmask(n) : String(Math.max(1, n * 4));
    if (!raw.fwmark && raw.protocol === 'udp' && raw.pe) spec.pe = 'sip';
  }
  const usedHosts = new Set<number>();
  raw.realServers.forEach((r, k) => {
    let method: ForwardingMethod;
    let host: string | undefined;
    let address: string;
    if (r.host >= 0) {
      if (usedHosts.has(r.host)) return;
      usedHosts.add(r.host);
      method = METHODS[r.host % 3];
      host = `rs${r.host}`;
      address = v4 ? `192.168.116.${10 + r.host}` : `fd00::${(0x10 + r.host).toString(16)}`;
    } else {
      method = r.literalMethod;
      address = v4 ? `10.${index}.${k}.1` : `fd01::${(index + 1).toString(16)}:${(k + 1).toString(16)}`;
    }
    const port = raw.fwmark ? r.port % 2 === 0 ? 0 : r.port : method === 'nat' ? r.port : spec.port;
    const rs: Unranged<RealServerSpec> = {
      address, family: raw.family, port, method, weight: r.weight,
      upperThreshold: r.upper, lowerThreshold: Math.floor(r.upper * r.lowerRatio),
    };
    if (host !== undefined) rs.host = host;
    if (method === 'tun') {
      const t = r.tunnel;
      rs.tunnel = { type: t.type };
      if (t.type === 'gue') rs.tunnel.port = t.port;
      if (t.checksum !== undefined && (t.type === 'gue' || (t.type === 'gre' && t.checksum !== 'remcsum'))) rs.tunnel.checksum = t.checksum;
    }
    spec.realServers.push(rs);
  });
  return spec;
}

export const clusterFileArbitrary: fc.Arbitrary<UnrangedClusterFile> = fc.record({
  hostCount: fc.integer({ min: 0, max: 6 }),
  ssh: fc.array(sshArb, { minLength: 7, maxLength: 7 }),
  clusters: fc.array(fc.record({
    vipLabel: fc.option(fc.constantFrom('eth0', 'eth0:1', 'eth0:vip'), { nil: undefined }),
    sysctls: fc.record({ conntrack: fc.integer({ min: 0, max: 1 }), sloppy_tcp: fc.integer({ min: 0, max: 1 }), sync_ports: fc.constantFrom(1, 2, 4, 8), expire_nodest_conn: fc.integer({ min: 0, max: 1 }) }, { requiredKeys: [] }),
    prune: fc.boolean(),
    services: fc.array(rawService, { maxLength: 4 }),
  }), { minLength: 1, maxLength: 3 }),
}).map(({ hostCount, ssh, clusters }) => {
  const hosts: Array<Unranged<HostSpec>> = [{
    name: 'lb', addresses: ['192.168.116.1', 'fd00::1'], prefixLengths: { '192.168.116.1': 24, 'fd00::1': 64 }, interface: 'eth0', ssh: ssh[6],
  }];
  for (let i = 0; i < 6; i++) {
    const host: Unranged<HostSpec> = { name: `rs${i}`, addresses: [`192.168.116.${10 + i}`, `fd00::${(0x10 + i).toString(16)}`], ssh: ssh[i] };
    if (i % 2 === 0) host.interface = 'eth0';
    hosts.push(host);
  }
  let serviceIndex = 0;
  const clusterSpecs: Array<Unranged<ClusterSpec>> = clusters.map((c, ci) => {
    const director: Unranged<ClusterSpec>['directors'][number] = { host: 'lb', interface: 'eth0' };
    if (c.vipLabel !== undefined) director.vipLabel = c.vipLabel;
    return {
      name: `c${ci}`,
      directors: [director],
      sysctls: { expire_nodest_conn: 1, expire_quiescent_template: 1, ...c.sysctls },
      prune: c.prune,
      engine: 'ipvsadm',
      mode: 'active-passive',
      services: c.services.map((s) => buildService({ ...s, realServers: s.realServers.filter((r) => r.host < hostCount) }, serviceIndex++)),
    };
  });
  // Hosts beyond hostCount are declared but unused, which is fine.
  return { version: 1 as const, hosts, clusters: clusterSpecs };
});
