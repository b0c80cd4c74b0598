/**
 * What each host of a cluster must look like for LVS, from the validated model: the director's VIPs,
 * modules and sysctls; DR real servers' ARP sysctls and VIPs on `lo`; TUN real servers' tunnel device;
 * NAT real servers' route back through the director (checked, never changed). Pure.
 */
import type { ClusterFile, ClusterSpec, HostSpec } from '../clusterFile/types';
import type { AddressFamily, TunnelType } from '../ipvs/types';
import { confSysctl } from './sysctlNames';

export interface AddressRequirement {
  address: string;
  family: AddressFamily;
  /** 32 / 128: a host route only, so the VIP never claims (or steals) a subnet route. */
  prefix: number;
  dev: string;
  label?: string;
  /** IPv6 on a real server: no duplicate address detection (every real server holds the same VIP). */
  nodad?: boolean;
  why: string;
}

export interface SysctlRequirement {
  key: string;
  value: string;
  why: string;
}

export interface RouteCheck {
  /** Probe destination for `ip route get` (a documentation address standing for "any client"). */
  target: string;
  /** Acceptable gateways (the directors' addresses of the family). */
  expectVia: string[];
  why: string;
}

export interface ManualNote {
  id: string;
  title: string;
  why: string;
  fix: string;
}

export interface HostRequirements {
  host: string;
  /** `director of lab-web`, `dr real server of lab-web`, … */
  roles: string[];
  modules: { name: string; why: string }[];
  linksUp: { dev: string; why: string }[];
  sysctls: SysctlRequirement[];
  addresses: AddressRequirement[];
  routeChecks: RouteCheck[];
  /** Things the plan cannot do (unsupported tunnel type, no interface known, …). */
  manual: ManualNote[];
}

/** Where NAT real servers' replies must go: TEST-NET-1 / 2001:db8::/32 stand for "a client anywhere". */
export const CLIENT_PROBE: Readonly<Record<AddressFamily, string>> = { inet: '192.0.2.1', inet6: '2001:db8::1' };

const TUNNEL_DEV: Readonly<Record<AddressFamily, Partial<Record<TunnelType, { dev: string; module: string }>>>> = {
  inet: { ipip: { dev: 'tunl0', module: 'ipip' }, gre: { dev: 'gre0', module: 'ip_gre' }, gue: { dev: 'tunl0', module: 'ipip' } },
  inet6: { ipip: { dev: 'ip6tnl0', module: 'ip6_tunnel' }, gre: { dev: 'ip6gre0', module: 'ip6_gre' } },
};

class Builder {
  readonly req: HostRequirements;
  constructor(host: string) {
    this.req = { host, roles: [], modules: [], linksUp: [], sysctls: [], addresses: [], routeChecks: [], manual: [] };
  }
  role(r: string): void { if (!this.req.roles.includes(r)) this.req.roles.push(r); }
  module(name: string, why: string): void { if (!this.req.modules.some((m) => m.name === name)) this.req.modules.push({ name, why }); }
  link(dev: string, why: string): void { if (!this.req.linksUp.some((l) => l.dev === dev)) this.req.linksUp.push({ dev, why }); }
  sysctl(key: string, value: string | number, why: string): void {
    const existing = this.req.sysctls.find((s) => s.key === key);
    if (existing) { existing.value = String(value); return; }
    this.req.sysctls.push({ key, value: String(value), why });
  }
  address(a: AddressRequirement): void {
    if (!this.req.addresses.some((x) => x.address === a.address && x.dev === a.dev)) this.req.addresses.push(a);
  }
  route(r: RouteCheck): void { if (!this.req.routeChecks.some((x) => x.target === r.target)) this.req.routeChecks.push(r); }
  manual(n: ManualNote): void { if (!this.req.manual.some((x) => x.id === n.id)) this.req.manual.push(n); }
}

const hostPrefix = (family: AddressFamily): number => (family === 'inet' ? 32 : 128);

/** Requirements per host of cluster `clusterName`, directors first, in file order. Throws for an unknown cluster. */
export function hostRequirements(file: ClusterFile, clusterName: string): HostRequirements[] {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`The cluster file has no cluster named "${clusterName}".`);
  const hosts = new Map(file.hosts.map((h) => [h.name, h]));
  const builders = new Map<string, Builder>();
  const builder = (name: string): Builder => {
    let b = builders.get(name);
    if (!b) { b = new Builder(name); builders.set(name, b); }
    return b;
  };
  addDirectors(cluster, hosts, builder);
  addRealServers(cluster, hosts, builder);
  return [...builders.values()].map((b) => b.req);
}

function addDirectors(cluster: ClusterSpec, hosts: Map<string, HostSpec>, builder: (n: string) => Builder): void {
  const usesNat = (family: AddressFamily): boolean =>
    cluster.services.some((s) => s.family === family && s.realServers.some((r) => r.method === 'nat'));
  for (const d of cluster.directors) {
    const b = builder(d.host);
    b.role(`director of ${cluster.name}`);
    const dev = d.interface ?? hosts.get(d.host)?.interface;
    b.module('ip_vs', 'the IPVS core: without it there is no virtual service table');
    for (const s of cluster.services) {
      b.module(`ip_vs_${s.scheduler}`, `scheduler "${s.scheduler}" of ${serviceName(s)}`);
      if (s.pe === 'sip') b.module('ip_vs_pe_sip', `persistence engine sip of ${serviceName(s)}`);
    }
    for (const [name, value] of Object.entries(cluster.sysctls)) {
      b.sysctl(`net.ipv4.vs.${name}`, value, `IPVS setting of cluster ${cluster.name}`);
    }
    if (usesNat('inet')) {
      b.sysctl('net.ipv4.ip_forward', 1, 'NAT: the director routes the real servers\' replies back to the clients');
      b.sysctl('net.ipv4.conf.all.send_redirects', 0, 'NAT: no ICMP redirects telling real servers to bypass the director');
      if (dev) b.sysctl(confSysctl('ipv4', dev, 'send_redirects'), 0, 'NAT: no ICMP redirects on the director\'s interface');
    }
    if (usesNat('inet6')) b.sysctl('net.ipv6.conf.all.forwarding', 1, 'NAT (IPv6): the director routes the real servers\' replies');
    if (!dev) {
      b.manual({ id: 'director-interface', title: `no interface for the VIPs of ${cluster.name}`, why: 'the VIP must be added to the director\'s data-plane interface', fix: `set "interface" on director ${d.host} or on host ${d.host}` });
      continue;
    }
    // engine keepalived: the VIPs are keepalived's (VRRP adds them on the master only).
    if (cluster.engine === 'keepalived') continue;
    if (cluster.mode === 'active-active') {
      // Every director holds every VIP at once; the router reaches them by the BGP routes, never by ARP.
      arpSysctls(b, dev, 'active-active');
      for (const vip of uniqueVips(cluster)) {
        b.address({
          address: vip.address, family: vip.family, prefix: hostPrefix(vip.family), dev: 'lo', nodad: vip.family === 'inet6',
          why: 'active-active: every director accepts the packets the router sends it for the VIP (on lo, so no director answers ARP for it; BIRD announces the route)',
        });
      }
      continue;
    }
    for (const vip of uniqueVips(cluster)) {
      const a: AddressRequirement = {
        address: vip.address, family: vip.family, prefix: hostPrefix(vip.family), dev,
        why: `the director receives the clients' packets for the VIP (a /${hostPrefix(vip.family)}: no extra subnet route)`,
      };
      if (d.vipLabel !== undefined && vip.family === 'inet') a.label = d.vipLabel;
      b.address(a);
    }
  }
}

function addRealServers(cluster: ClusterSpec, hosts: Map<string, HostSpec>, builder: (n: string) => Builder): void {
  const directorAddresses = (family: AddressFamily): string[] =>
    cluster.directors.flatMap((d) => (hosts.get(d.host)?.addresses ?? []).filter((a) => (family === 'inet') === !a.includes(':')));
  for (const s of cluster.services) {
    const vip = s.vip;
    for (const rs of s.realServers) {
      if (rs.host === undefined) continue;
      const host = hosts.get(rs.host);
      const b = builder(rs.host);
      b.role(`${rs.method} real server of ${cluster.name}`);
      const dev = host?.interface;
      if (rs.method === 'nat') {
        const via = directorAddresses(rs.family);
        b.route({
          target: CLIENT_PROBE[rs.family], expectVia: via,
          why: 'NAT: replies must go back through the director, which rewrites their source to the VIP; otherwise clients get answers from an address they never asked',
        });
        continue;
      }
      if (vip === undefined) continue;
      if (rs.family === 'inet') arpSysctls(b, dev, rs.method);
      if (rs.method === 'dr') {
        b.address({
          address: vip, family: rs.family, prefix: hostPrefix(rs.family), dev: 'lo', nodad: rs.family === 'inet6',
          why: 'DR: the real server accepts packets addressed to the VIP (kept on lo so it is never announced on the LAN)',
        });
        continue;
      }
      const type = rs.tunnel?.type ?? 'ipip';
      const tunnel = TUNNEL_DEV[rs.family][type];
      if (!tunnel) {
        b.manual({ id: `tunnel-${type}-${rs.family}`, title: `tunnel type ${type} for IPv6 is not prepared automatically`, why: 'the real server must decapsulate the director\'s packets', fix: 'set the tunnel up by hand (see docs/hostprep.md) or use ipip' });
        continue;
      }
      b.module(tunnel.module, `TUN (${type}): creates ${tunnel.dev}, which decapsulates the director's packets`);
      b.link(tunnel.dev, `TUN: ${tunnel.dev} must be up to receive tunnelled packets`);
      b.address({
        address: vip, family: rs.family, prefix: hostPrefix(rs.family), dev: tunnel.dev, nodad: rs.family === 'inet6',
        why: 'TUN: the decapsulated packets are addressed to the VIP',
      });
      if (rs.family === 'inet') {
        b.sysctl('net.ipv4.conf.all.rp_filter', 0, 'TUN: reverse path filtering (the max of all and the device is used) drops decapsulated packets whose source is not routed via the tunnel');
        b.sysctl(confSysctl('ipv4', tunnel.dev, 'rp_filter'), 0, `TUN: no reverse path filtering on ${tunnel.dev}`);
      }
      if (type === 'gue') {
        b.module('fou', 'TUN (gue): foo-over-UDP receive port');
        b.manual({ id: `gue-port-${rs.tunnel?.port ?? 0}`, title: 'GUE receive port is not opened automatically', why: 'GUE packets arrive on UDP and must be handed to the ipip decapsulator', fix: `ip fou add port ${rs.tunnel?.port ?? 'PORT'} gue` });
      }
    }
  }
}

function arpSysctls(b: Builder, dev: string | undefined, method: string): void {
  const why = method === 'dr'
    ? 'DR: the VIP is on lo; only the director may answer ARP for it, or clients\' traffic bypasses the director'
    : method === 'active-active'
      ? 'active-active: every director has the VIP on lo; none may answer ARP for it, the router reaches them by their BGP routes'
      : 'TUN: the VIP is on the tunnel device; only the director may answer ARP for it on a shared LAN';
  b.sysctl('net.ipv4.conf.all.arp_ignore', 1, `${why} (arp_ignore=1: answer only for addresses of the receiving interface)`);
  b.sysctl('net.ipv4.conf.all.arp_announce', 2, `${why} (arp_announce=2: never use the VIP as ARP source)`);
  if (dev) {
    b.sysctl(confSysctl('ipv4', dev, 'arp_ignore'), 1, `${why} (on ${dev}; the kernel uses the max of all and ${dev})`);
    b.sysctl(confSysctl('ipv4', dev, 'arp_announce'), 2, `${why} (on ${dev})`);
  }
}

function uniqueVips(cluster: ClusterSpec): { address: string; family: AddressFamily }[] {
  const out: { address: string; family: AddressFamily }[] = [];
  for (const s of cluster.services) {
    if (s.vip !== undefined && !out.some((v) => v.address === s.vip)) out.push({ address: s.vip, family: s.family });
  }
  return out;
}

function serviceName(s: { name?: string; vip?: string; port: number; fwmark?: number }): string {
  return s.name ?? (s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.vip ?? '?'}:${s.port}`);
}
