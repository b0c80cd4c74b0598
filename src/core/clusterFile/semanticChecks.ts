/**
 * Rules across items of the cluster file, after the walk: duplicates, host references and their addresses,
 * VIPs, address families, the DR subnet rule, conflicting real-server setups, services shared by directors.
 * Linear in the file: every lookup goes through a Map or Set keyed by a canonical string.
 */

import { sameSubnet } from '../ipvs/address';
import { realServerKeyString, serviceKeyString, type AddressFamily, type ServiceKey } from '../ipvs/types';
import { NameIndex } from '../closestName';
import type { DiagnosticSink } from './diagnosticSink';
import type { ParsedCluster, ParsedDirector, ParsedFile, ParsedHost, ParsedRealServer, ParsedService } from './parsedFile';
import { removeFix, replaceFix, type Span } from './quickFixes';
import { isBareHostName } from './stringRules';
import type { ServiceSpec } from './types';

/** VRRP priority of the first director of a keepalived cluster without `priority`; each next one gets 10 less. */
export const FIRST_DIRECTOR_PRIORITY = 150;

/** Prefix lengths assumed for the DR subnet rule when the director's address has none (`address: x/24`). */
export const ASSUMED_PREFIX: Readonly<Record<AddressFamily, number>> = { inet: 24, inet6: 64 };

function familyName(family: AddressFamily): string {
  return family === 'inet' ? 'IPv4' : 'IPv6';
}

export function serviceKeyOf(spec: ServiceSpec): ServiceKey {
  if (spec.fwmark !== undefined) return { kind: 'fwmark', fwmark: spec.fwmark, family: spec.family };
  return { kind: 'addr', protocol: spec.protocol ?? 'tcp', address: spec.vip ?? '', port: spec.port, family: spec.family };
}

function describeService(spec: ServiceSpec): string {
  if (spec.fwmark !== undefined) return `fwmark ${spec.fwmark}${spec.family === 'inet6' ? ' (IPv6)' : ''}`;
  const host = spec.family === 'inet6' ? `[${spec.vip ?? ''}]` : spec.vip ?? '';
  return `${spec.protocol ?? 'tcp'} ${host}:${spec.port}`;
}

interface RealServerUse {
  nat?: { cluster: string; directors: string };
  drTun?: { cluster: string; method: string };
  /** One warning per host and kind of conflict, not one per service. */
  reportedMix?: boolean;
  reportedNat?: boolean;
}

class SemanticChecker {
  private readonly hosts = new Map<string, ParsedHost>();
  /** Every host address → the host that owns it. */
  private readonly hostByAddress = new Map<string, string>();
  /** director host → service key → cluster name. */
  private readonly directorServices = new Map<string, Map<string, string>>();
  private readonly realServerUse = new Map<string, RealServerUse>();
  /** `director/prefix|server` → same subnet; servers repeat across services. */
  private readonly subnetCache = new Map<string, boolean>();
  /** "Did you mean" over the hosts, built on the first unknown reference (after every host is known). */
  private hostNames: NameIndex | undefined;
  /** VRRP virtual router id → the keepalived clusters using it, with their directors' links. */
  private readonly routerIds = new Map<number, { cluster: string; links: { host: string; iface?: string; address?: string; prefix: number }[] }[]>();

  constructor(private readonly file: ParsedFile, private readonly sink: DiagnosticSink) {}

  run(): void {
    this.indexHosts();
    const clusterNames = new Set<string>();
    for (const cluster of this.file.clusters) {
      if (clusterNames.has(cluster.spec.name)) {
        this.duplicate(cluster.item, cluster.name, `Cluster "${cluster.spec.name}" is declared twice.`, 'cluster');
        cluster.dropped = true;
        continue;
      }
      clusterNames.add(cluster.spec.name);
      this.cluster(cluster);
    }
    this.vipsAlsoInVrrp();
  }

  private duplicate(item: Span, at: Span, message: string, what: string): void {
    this.sink.report('LVS023', at, `${message} Only the first one counts.`,
      [removeFix(`Remove this duplicate ${what}`, this.sink.text, this.sink.lines, item)]);
  }

  private unknownHost(name: string, span: Span, role: string): void {
    const suggestion = this.closestHost(name);
    this.sink.report('LVS025', span,
      `${role} "${name}" is not a host of this file${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Declare it under "hosts".`,
      suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, span, suggestion)] : undefined);
  }

  private closestHost(name: string): string | undefined {
    this.hostNames ??= new NameIndex(this.hosts.keys());
    return this.hostNames.closest(name);
  }

  private indexHosts(): void {
    for (const host of this.file.hosts) {
      if (this.hosts.has(host.spec.name)) {
        this.duplicate(host.item, host.name, `Host "${host.spec.name}" is declared twice.`, 'host');
        host.dropped = true;
        continue;
      }
      this.hosts.set(host.spec.name, host);
      for (const a of host.spec.addresses) if (!this.hostByAddress.has(a)) this.hostByAddress.set(a, host.spec.name);
    }
    for (const host of this.hosts.values()) {
      const pj = host.proxyJump;
      if (!pj || !isBareHostName(pj.value) || this.hosts.has(pj.value)) continue;
      const suggestion = this.closestHost(pj.value);
      this.sink.report('LVS026', pj.span,
        `proxyJump "${pj.value}" is not a host of this file${suggestion ? `. Did you mean "${suggestion}"?` : '.'} ssh will look it up in ~/.ssh/config or DNS.`,
        suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, pj.span, suggestion)] : undefined);
    }
  }

  private cluster(cluster: ParsedCluster): void {
    const directors: ParsedDirector[] = [];
    const directorNames = new Set<string>();
    const directorAddresses = new Set<string>();
    for (const d of cluster.directors) {
      const host = this.hosts.get(d.spec.host);
      if (!host) {
        this.unknownHost(d.spec.host, d.host, 'Director');
        d.dropped = true;
        continue;
      }
      if (directorNames.has(d.spec.host)) {
        this.duplicate(d.item, d.host, `"${d.spec.host}" is already a director of cluster "${cluster.spec.name}".`, 'director');
        d.dropped = true;
        continue;
      }
      directorNames.add(d.spec.host);
      for (const a of host.spec.addresses) directorAddresses.add(a);
      directors.push(d);
      const iface = d.ownInterface ?? host.spec.interface;
      if (iface === undefined) {
        this.sink.report('LVS039', d.host, `Director "${d.spec.host}" needs an interface to carry the VIPs: set "interface" on the director or on host "${d.spec.host}".`);
      } else d.spec.interface = iface;
      const label = d.spec.vipLabel;
      if (label !== undefined && iface !== undefined && d.vipLabel && label !== iface && !label.startsWith(`${iface}:`)) {
        const colon = label.indexOf(':');
        const fixed = `${iface}:${colon === -1 ? '1' : label.slice(colon + 1)}`;
        const fixes = fixed.length <= 15 ? [replaceFix(`Change to ${fixed}`, this.sink.lines, d.vipLabel, fixed)] : undefined;
        this.sink.report('LVS038', d.vipLabel, `The address label must start with the interface name and a colon (ip addr … dev ${iface} label ${fixed}).`, fixes);
      }
    }
    if (cluster.spec.engine === 'keepalived') this.vrrp(cluster, directors);
    const directorsKey = [...directorNames].sort().join(',');
    const keys = new Set<string>();
    for (const service of cluster.services) {
      const key = serviceKeyString(serviceKeyOf(service.spec));
      if (keys.has(key)) {
        this.duplicate(service.item, service.identity, `Service ${describeService(service.spec)} is declared twice in cluster "${cluster.spec.name}".`, 'service');
        service.dropped = true;
        continue;
      }
      keys.add(key);
      let shared: string | undefined;
      for (const d of directors) {
        let byKey = this.directorServices.get(d.spec.host);
        if (!byKey) this.directorServices.set(d.spec.host, (byKey = new Map()));
        const other = byKey.get(key);
        if (other === undefined) byKey.set(key, cluster.spec.name);
        else if (other !== cluster.spec.name && shared === undefined) shared = `${other}" (director "${d.spec.host}`;
      }
      if (shared !== undefined) {
        this.sink.report('LVS024', service.identity,
          `Service ${describeService(service.spec)} is also declared by cluster "${shared}"): one director holds one IPVS table, so the two clusters would overwrite each other.`);
      }
      if (service.spec.vip !== undefined && service.vip) {
        const owner = this.hostByAddress.get(service.spec.vip);
        if (owner !== undefined) {
          this.sink.report('LVS028', service.vip,
            `VIP ${service.spec.vip} is the own address of host "${owner}". A VIP must be an extra address that the director adds and removes; use a free address of the subnet.`);
        }
      }
      this.realServers(cluster, service, directors, directorNames, directorAddresses, directorsKey);
    }
    if (cluster.spec.mode === 'active-active') this.activeActive(cluster, directors);
  }

  /**
   * Active-active clusters: a scheduler that gives a flow the same real server on every director, the VIPs to
   * announce, the addresses BIRD needs on each director (router id, session source), peers on the link.
   */
  private activeActive(cluster: ParsedCluster, directors: ParsedDirector[]): void {
    const services = cluster.services.filter((s) => !s.dropped);
    for (const s of services) {
      const spec = s.spec;
      if (spec.protocol === 'udp' || spec.scheduler === 'mh' || spec.scheduler === 'sh') continue;
      this.sink.report('LVS049', s.scheduler ?? s.identity,
        `Service ${describeService(spec)} of active-active cluster "${cluster.spec.name}" uses the ${spec.scheduler} scheduler${s.scheduler ? '' : ' (the default)'}: each director picks real servers on its own, so when the router's ECMP rehashes a flow to another director (a director or link added or removed) that director sends it to another real server and the connection breaks. Use "scheduler: mh" (Maglev hashing, Linux 4.18+) or "sh": every director then maps a flow to the same real server.`,
        s.scheduler ? [replaceFix('Change to mh', this.sink.lines, s.scheduler, 'mh')] : undefined);
    }
    const bgp = cluster.bgp;
    if (!bgp) return;
    const vips = new Map<string, AddressFamily>();
    for (const s of services) if (s.spec.vip !== undefined && !vips.has(s.spec.vip)) vips.set(s.spec.vip, s.spec.family);
    if (bgp.announce) {
      const kept: string[] = [];
      for (const a of bgp.announce) {
        if (vips.has(a.address)) kept.push(a.address);
        else {
          this.sink.report('LVS053', a.span,
            `${a.address} is not a VIP of a service of cluster "${cluster.spec.name}": the router would send its traffic to directors that have no IPVS service for it. Announce only the cluster's VIPs.`);
        }
      }
      bgp.spec.announce = kept;
    } else bgp.spec.announce = [...vips.keys()];
    const peerFamilies = new Set(bgp.spec.peers.map((p) => p.family));
    if (bgp.spec.peers.length > 0) {
      for (const a of bgp.spec.announce) {
        const family = vips.get(a) ?? 'inet';
        if (peerFamilies.has(family)) continue;
        this.sink.report('LVS054', bgp.announce?.find((x) => x.address === a)?.span ?? bgp.keySpan,
          `VIP ${a} is ${familyName(family)} but no BGP peer of cluster "${cluster.spec.name}" is: lvsctl announces a VIP over the sessions of its own family only, so no router learns this one. Add an ${familyName(family)} peer.`);
      }
    }
    for (const d of directors) {
      const host = this.hosts.get(d.spec.host);
      if (!host) continue;
      if (!host.spec.addresses.some((a) => !a.includes(':'))) {
        this.sink.report('LVS027', d.host, `Director "${d.spec.host}" of active-active cluster "${cluster.spec.name}" has no IPv4 address: BIRD takes it as its router id. Give host "${d.spec.host}" an IPv4 "address".`);
        continue;
      }
      for (const peer of bgp.peers) {
        const family = peer.spec.family;
        const own = host.spec.addresses.find((a) => (a.includes(':') ? 'inet6' : 'inet') === family);
        if (own === undefined) {
          this.sink.report('LVS027', d.host, `Director "${d.spec.host}" has no ${familyName(family)} address to open the BGP session to ${peer.spec.address} from. Add one to its "addresses".`);
          continue;
        }
        const prefix = host.spec.prefixLengths?.[own];
        if (prefix === undefined || peer.spec.multihop !== undefined || sameSubnet(own, peer.spec.address, prefix)) continue;
        this.sink.report('LVS051', peer.address,
          `BGP peer ${peer.spec.address} is not on the link of director "${d.spec.host}" (${own}/${prefix}): an eBGP session goes to a directly connected neighbour unless "multihop" says how many hops away the peer is, and the router's next hop for the VIP must be a director address it can reach. Use the router's address on the directors' link, or set "multihop".`);
      }
    }
  }

  /** A VIP an active-active cluster announces that a keepalived cluster's VRRP instance also moves (LVS052). */
  private vipsAlsoInVrrp(): void {
    const vrrpVips = new Map<string, string>();
    for (const c of this.file.clusters) {
      if (c.dropped || c.spec.engine !== 'keepalived' || c.spec.mode === 'active-active') continue;
      for (const s of c.services) if (!s.dropped && s.spec.vip !== undefined && !vrrpVips.has(s.spec.vip)) vrrpVips.set(s.spec.vip, c.spec.name);
    }
    if (vrrpVips.size === 0) return;
    for (const c of this.file.clusters) {
      if (c.dropped || !c.bgp) continue;
      for (const s of c.services) {
        const other = s.spec.vip !== undefined ? vrrpVips.get(s.spec.vip) : undefined;
        if (s.dropped || other === undefined || !c.bgp.spec.announce.includes(s.spec.vip ?? '')) continue;
        this.sink.report('LVS052', s.vip ?? s.identity,
          `VIP ${s.spec.vip ?? ''} is announced over BGP by active-active cluster "${c.spec.name}" and is also in the VRRP instance of keepalived cluster "${other}": the router would send its traffic to every active-active director while VRRP gives the address to one director of the other cluster. Use another VIP in one of them.`);
      }
    }
  }

  /** Priorities (given, else from the order of the directors), equal priorities, router ids shared on a link. */
  private vrrp(cluster: ParsedCluster, directors: ParsedDirector[]): void {
    const byPriority = new Map<number, string>();
    directors.forEach((d, i) => {
      d.spec.priority ??= Math.max(1, FIRST_DIRECTOR_PRIORITY - 10 * i);
      const other = byPriority.get(d.spec.priority);
      if (other !== undefined) {
        this.sink.report('LVS045', d.priority ?? d.host,
          `Directors "${other}" and "${d.spec.host}" both have VRRP priority ${d.spec.priority}: when both run, the one with the higher address wins, and after a restart both can claim the VIPs for a while (split brain, acassen/keepalived#2370). Give every director its own priority.`);
      } else byPriority.set(d.spec.priority, d.spec.host);
    });
    const vrrp = cluster.vrrp;
    if (!vrrp) return;
    // keepalived refuses an instance without a VIP of its own family (the family it sends adverts in).
    const firstHost = directors.length > 0 ? this.hosts.get(directors[0].spec.host) : undefined;
    const family = firstHost && firstHost.spec.addresses.length > 0 && firstHost.spec.addresses.every((a) => a.includes(':')) ? 'inet6' : 'inet';
    if (!cluster.services.some((s) => s.spec.vip !== undefined && s.spec.family === family)) {
      this.sink.report('LVS005', cluster.name,
        `Cluster "${cluster.spec.name}" has engine keepalived but no ${familyName(family)} VIP: its VRRP instance needs at least one (give a service, or a fwmark service, "vip").`);
    }
    if (vrrp.strictWithoutAccept) {
      this.sink.report('LVS046', vrrp.strictWithoutAccept,
        'With "strict: true" keepalived adds a firewall rule dropping every packet to the VIPs that is not VRRP (vrrp_strict implies no accept mode), so the services behind them do not answer (acassen/keepalived#2339). Add "accept: true".');
    }
    if (!vrrp.spec.multicast) {
      for (const d of directors) {
        if ((this.hosts.get(d.spec.host)?.spec.addresses.length ?? 0) > 0) continue;
        this.sink.report('LVS027', d.host, `Director "${d.spec.host}" has no address: unicast VRRP sends its adverts from it to the other directors. Give host "${d.spec.host}" an "address" (or set "multicast: true").`);
      }
    }
    const links = directors.map((d) => {
      const host = this.hosts.get(d.spec.host);
      const address = host?.spec.addresses.find((a) => !a.includes(':'));
      const prefix = (address !== undefined ? host?.spec.prefixLengths?.[address] : undefined) ?? ASSUMED_PREFIX.inet;
      return { host: d.spec.host, iface: d.spec.interface, address, prefix };
    });
    const id = vrrp.spec.virtualRouterId;
    const users = this.routerIds.get(id) ?? [];
    for (const u of users) {
      const shared = links.find((l) => u.links.some((o) => (o.host === l.host && o.iface === l.iface)
        || (o.address !== undefined && l.address !== undefined && sameSubnet(o.address, l.address, Math.min(o.prefix, l.prefix)))));
      if (!shared) continue;
      this.sink.report('LVS044', vrrp.virtualRouterId,
        `Virtual router id ${id} is also used by cluster "${u.cluster}" on the same link (director "${shared.host}"): VRRP routers of one link with one id are one group, so the two clusters would fight over each other's VIPs. Choose another id (1..255).`);
      break;
    }
    users.push({ cluster: cluster.spec.name, links });
    this.routerIds.set(id, users);
  }

  private realServers(cluster: ParsedCluster, service: ParsedService, directors: ParsedDirector[], directorNames: Set<string>,
    directorAddresses: Set<string>, directorsKey: string): void {
    const svc = service.spec;
    const keys = new Set<string>();
    for (const rs of service.realServers) {
      if (!this.resolve(rs, svc)) {
        rs.dropped = true;
        continue;
      }
      const spec = rs.spec;
      const key = realServerKeyString(spec);
      if (keys.has(key)) {
        this.duplicate(rs.item, rs.target, `Real server ${key} is listed twice in service ${describeService(svc)}.`, 'real server');
        rs.dropped = true;
        continue;
      }
      keys.add(key);
      if ((spec.host !== undefined && directorNames.has(spec.host)) || directorAddresses.has(spec.address)) {
        this.sink.report('LVS034', rs.target,
          `${spec.host ?? spec.address} is a director of cluster "${cluster.spec.name}" and a real server of its service ${describeService(svc)}: the director's VIP setup and the real server's (VIP on lo, ARP sysctls, gateway) conflict on one host.`);
      }
      if (spec.method === 'dr') this.drSubnet(rs, directors);
      this.trackUse(rs, cluster.spec.name, directorsKey);
    }
  }

  /** Resolves a host reference to its address of the service's family; false when the server must be dropped. */
  private resolve(rs: ParsedRealServer, svc: ServiceSpec): boolean {
    const spec = rs.spec;
    if (spec.host !== undefined) {
      const host = this.hosts.get(spec.host);
      if (!host) {
        this.unknownHost(spec.host, rs.target, 'Real server');
        return false;
      }
      if (host.spec.addresses.length === 0) {
        this.sink.report('LVS027', rs.target, `Host "${spec.host}" has no address, so it cannot be a real server. Give it "address".`);
        return false;
      }
      const same = host.spec.addresses.find((a) => (a.includes(':') ? 'inet6' : 'inet') === svc.family);
      if (same !== undefined) {
        spec.address = same;
        spec.family = svc.family;
        return true;
      }
      if (spec.method !== 'tun') {
        this.sink.report('LVS027', rs.target,
          `Host "${spec.host}" has no ${familyName(svc.family)} address for this ${familyName(svc.family)} service (${spec.method.toUpperCase()} cannot change the address family). Add one to its "addresses".`);
        return false;
      }
      spec.address = host.spec.addresses[0];
      spec.family = spec.address.includes(':') ? 'inet6' : 'inet';
    } else if (spec.family === svc.family) {
      return true;
    } else if (spec.method !== 'tun') {
      this.sink.report('LVS030', rs.target,
        `${familyName(spec.family)} real server ${spec.address} behind an ${familyName(svc.family)} service: ${spec.method.toUpperCase()} forwards the packet with its original addresses, so the families must match.`);
      return false;
    }
    this.sink.report('LVS031', rs.target,
      `${familyName(spec.family)} tunnel to a real server of an ${familyName(svc.family)} service: mixed-family tunnelling needs Linux 5.3 or later (IPv4-in-IPv6 / IPv6-in-IPv4).`);
    return true;
  }

  private drSubnet(rs: ParsedRealServer, directors: ParsedDirector[]): void {
    const spec = rs.spec;
    for (const d of directors) {
      const host = this.hosts.get(d.spec.host);
      if (!host) continue;
      const own = host.spec.addresses.find((a) => (a.includes(':') ? 'inet6' : 'inet') === spec.family);
      if (own === undefined) continue;
      const known = host.spec.prefixLengths?.[own];
      const prefix = known ?? ASSUMED_PREFIX[spec.family];
      const cacheKey = `${own}/${prefix}|${spec.address}`;
      let same = this.subnetCache.get(cacheKey);
      if (same === undefined) this.subnetCache.set(cacheKey, (same = sameSubnet(own, spec.address, prefix)));
      if (same) continue;
      this.sink.report('LVS029', rs.target,
        `DR real server ${spec.address} is not on the subnet of director "${d.spec.host}" (${own}/${prefix}${known === undefined ? `, /${prefix} assumed: write the director's address as ${own}/<prefix> to state it` : ''}). DR rewrites only the MAC address, so the real server must be on the director's link.`);
      return;
    }
  }

  private trackUse(rs: ParsedRealServer, cluster: string, directors: string): void {
    const spec = rs.spec;
    const id = spec.host ?? spec.address;
    let use = this.realServerUse.get(id);
    if (!use) this.realServerUse.set(id, (use = {}));
    if (spec.method === 'nat') {
      if (use.drTun && !use.reportedMix) {
        use.reportedMix = true;
        this.sink.report('LVS032', rs.target,
          `${id} is a ${use.drTun.method.toUpperCase()} real server in cluster "${use.drTun.cluster}" and a NAT real server here: NAT needs its default route through the director, DR/TUN answer clients directly.`);
      }
      if (use.nat && use.nat.directors !== directors && !use.reportedNat) {
        use.reportedNat = true;
        this.sink.report('LVS033', rs.target,
          `${id} is a NAT real server of cluster "${use.nat.cluster}" (directors ${use.nat.directors}) and of "${cluster}" (directors ${directors}): a NAT real server routes replies through one director, it cannot have two default gateways.`);
      }
      use.nat ??= { cluster, directors };
    } else {
      if (use.nat && !use.reportedMix) {
        use.reportedMix = true;
        this.sink.report('LVS032', rs.target,
          `${id} is a NAT real server in cluster "${use.nat.cluster}" and a ${spec.method.toUpperCase()} real server here: NAT needs its default route through the director, DR/TUN answer clients directly.`);
      }
      use.drTun ??= { cluster, method: spec.method };
    }
  }
}

/** Runs every cross-item rule; marks items to leave out of the model as `dropped`. */
export function checkSemantics(file: ParsedFile, sink: DiagnosticSink): void {
  new SemanticChecker(file, sink).run();
}
