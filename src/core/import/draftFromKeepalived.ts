/**
 * keepalived sites (one per director: its keepalived.conf read by keepalivedSite.ts) → an ImportDraft of
 * `engine: keepalived` clusters. One cluster per VRRP instance (matched across the directors by name); a
 * virtual server goes to the instance of its site whose virtual_ipaddress holds its address. The directors
 * are the sites holding the instance, with their interface, VIP label and priority; their unicast_src_ip is
 * the host's address, so the renderer derives the same unicast peers. Services keep every IPVS key and the
 * effective health check of each real server (the service's when all share it).
 *
 * What the cluster file cannot hold, or what the renderer would write differently (VRRPv2, a MASTER state,
 * authentication, a VIP's prefix, a peer that is no given director, …), is a warning naming the file and
 * line, and a comment in the file.
 */
import { isName } from '../clusterFile/stringRules';
import type { HealthCheckSpec, SshSettings } from '../clusterFile/types';
import type { AddressFamily } from '../ipvs/types';
import { portToServiceName } from '../ipvs/wellKnownServices';
import type { DraftCluster, DraftDirector, DraftHealthCheck, DraftHost, DraftRealServer, DraftService, DraftVrrp, ImportDraft } from './importDraft';
import { emptyDraft } from './importDraft';
import { uniqueName } from './importNames';
import type { KeepalivedSite, SiteInstance, SiteLocation, SiteService } from './keepalivedSiteTypes';
import { formatSiteWarning } from './keepalivedSiteTypes';

export interface KeepalivedSource {
  site: KeepalivedSite;
  /** The director's host name in the file (a live import: after its destination); default router_id or the file's name. */
  name?: string;
  ssh?: SshSettings;
  sshComments?: string[];
}

export interface KeepalivedImportInput {
  sources: KeepalivedSource[];
  header: string[];
}

const hostPrefix = (f: AddressFamily): number => (f === 'inet' ? 32 : 128);
const loc = (at: SiteLocation): string => `${at.file}:${at.line}`;

function baseName(file: string): string {
  const b = file.replace(/\/+$/, '').split('/').pop() ?? file;
  return b.replace(/^keepalived\.conf\.?/, '').replace(/\.conf$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'director';
}

/** The cluster file's check keys for an effective check (timing always written: keepalived's defaults are not the file's). */
export function draftHealthCheck(c: HealthCheckSpec): DraftHealthCheck {
  const out: DraftHealthCheck = { type: c.type, interval: c.interval, timeout: c.timeout, retries: c.retries, retryDelay: c.retryDelay };
  if (c.port !== undefined) out.port = c.port;
  if (c.warmup !== undefined) out.warmup = c.warmup;
  if (c.inhibitOnFailure) out.inhibitOnFailure = true;
  if (c.path !== undefined) out.path = c.path;
  if (c.statusCodes !== undefined) out.statusCodes = [...c.statusCodes];
  if (c.digest !== undefined) out.digest = c.digest;
  if (c.virtualHost !== undefined) out.virtualHost = c.virtualHost;
  if (c.dnsName !== undefined) out.dnsName = c.dnsName;
  if (c.dnsType !== undefined) out.dnsType = c.dnsType;
  if (c.script !== undefined) out.script = c.script;
  return out;
}

function serviceKey(s: SiteService): string {
  return s.key.kind === 'fwmark' ? `fwmark ${s.key.fwmark} ${s.family}` : `${s.key.protocol} ${s.key.address} ${s.key.port}`;
}

function serviceLabel(s: SiteService): string {
  return s.key.kind === 'fwmark' ? `virtual_server fwmark ${s.key.fwmark}` : `virtual_server ${s.key.address} ${s.key.port} (${s.key.protocol.toUpperCase()})`;
}

/** What two directors must agree on for one service (locations left out). */
function signature(s: SiteService): string {
  const strip = <T extends { at: SiteLocation }>(x: T): Omit<T, 'at'> => { const { at: _at, ...rest } = x; return rest; };
  return JSON.stringify({ ...strip(s), realServers: s.realServers.map(strip) });
}

class KeepalivedDrafter {
  readonly draft: ImportDraft;
  private readonly names: string[] = [];
  /** Where each drafted service was read. */
  private readonly origin = new Map<DraftService, SiteLocation>();

  constructor(private readonly input: KeepalivedImportInput) {
    this.draft = emptyDraft(input.header);
  }

  private warn(text: string, into?: string[]): void {
    if (!this.draft.warnings.includes(text)) this.draft.warnings.push(text);
    if (into && !into.includes(text)) into.push(text);
  }

  build(): ImportDraft {
    const taken = new Set<string>();
    const hosts: DraftHost[] = [];
    for (const src of this.input.sources) {
      for (const w of src.site.warnings) this.warn(formatSiteWarning(w), this.draft.header);
      const base = src.name ?? (src.site.routerId !== undefined && isName(src.site.routerId) ? src.site.routerId : baseName(src.site.file));
      const name = uniqueName(isName(base) ? base : 'director', taken);
      this.names.push(name);
      hosts.push({ name, addresses: [], ssh: src.ssh ?? {}, comments: [...(src.sshComments ?? [])] });
    }
    this.draft.hosts.push(...hosts);

    // Instances by name, in order of first appearance; each site's services to one of its instances.
    const instanceNames: string[] = [];
    for (const src of this.input.sources) for (const i of src.site.instances) if (!instanceNames.includes(i.name)) instanceNames.push(i.name);
    const servicesOf = new Map<string, { site: number; service: SiteService }[]>();
    const orphan: { site: number; service: SiteService }[] = [];
    this.input.sources.forEach((src, si) => {
      for (const s of src.site.services) {
        const inst = this.instanceFor(src.site, s);
        if (inst) servicesOf.set(inst.name, [...(servicesOf.get(inst.name) ?? []), { site: si, service: s }]);
        else orphan.push({ site: si, service: s });
      }
    });
    const clusterNames = new Set<string>();
    for (const name of instanceNames) {
      const members = this.input.sources.map((src, i) => ({ i, inst: src.site.instances.find((x) => x.name === name) }))
        .filter((m): m is { i: number; inst: SiteInstance } => m.inst !== undefined);
      const svcs = servicesOf.get(name) ?? [];
      if (svcs.length === 0) {
        for (const m of members) this.warn(`${loc(m.inst.at)}: vrrp_instance ${name} holds no virtual server's address: a cluster of the file is a set of IPVS services, so this VRRP-only instance (its VIPs ${[...m.inst.vips, ...m.inst.excluded].map((v) => v.address).join(', ') || 'none'}) is not imported`);
        continue;
      }
      this.push(this.cluster(name, members, svcs, hosts, clusterNames));
    }
    if (orphan.length > 0) {
      const sites = [...new Set(orphan.map((o) => o.site))];
      const text = 'cluster "standalone": virtual servers of a configuration without vrrp_instance, with an assumed VRRP instance (virtual router id 51; an engine-keepalived cluster always has one, the rendered configuration adds it)';
      for (const o of orphan) this.warn(`${loc(o.service.at)}: ${serviceLabel(o.service)} has no vrrp_instance: imported into ${text}`);
      const members = sites.map((i) => ({ i, inst: this.assumedInstance(this.input.sources[i].site) }));
      const cluster = this.cluster('standalone', members, orphan, hosts, clusterNames);
      cluster.comments.unshift(text);
      this.push(cluster);
    }
    for (const h of hosts) if (!this.draft.clusters.some((c) => c.directors.some((d) => d.host === h.name))) h.comments.push('in no cluster: its keepalived.conf has no virtual server and no vrrp_instance');
    return this.draft;
  }

  /** Adds a cluster unless keepalived would refuse its instance: one without a VIP of the family it speaks (IPv4 unless its directors are IPv6 only). */
  private push(cluster: DraftCluster): void {
    const addresses = cluster.directors.flatMap((d) => this.draft.hosts.find((h) => h.name === d.host)?.addresses ?? []);
    const family: AddressFamily = addresses.length > 0 && addresses.every((a) => a.includes(':')) ? 'inet6' : 'inet';
    if (cluster.services.some((s) => s.vip !== undefined && s.vip.includes(':') === (family === 'inet6'))) {
      this.draft.clusters.push(cluster);
      return;
    }
    const what = cluster.services.map((s) => `${s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.vip ?? ''}:${s.port ?? ''}`}${this.origin.has(s) ? ` at ${loc(this.origin.get(s) as SiteLocation)}` : ''}`).join(', ');
    this.warn(`cluster ${cluster.name} (services ${what}) is not imported: its VRRP instance would hold no ${family === 'inet' ? 'IPv4' : 'IPv6'} VIP, which keepalived refuses (give its directors ${family === 'inet' ? 'IPv6 ' : ''}addresses and a VIP of that family by hand)`);
  }

  private assumedInstance(site: KeepalivedSite): SiteInstance {
    return { name: 'standalone', at: { file: site.file, line: 1 }, interface: 'eth0', virtualRouterId: 51, priority: 100, advertInterval: 1, preempt: true, accept: false, version: 3, peers: [], vips: [], excluded: [] };
  }

  /** The instance of `site` holding the service's address; a fwmark or unheld service goes to the site's only (or first) instance. */
  private instanceFor(site: KeepalivedSite, s: SiteService): SiteInstance | undefined {
    if (s.key.kind === 'addr') {
      const addr = s.key.address;
      const holder = site.instances.find((i) => [...i.vips, ...i.excluded].some((v) => v.address === addr));
      if (holder) return holder;
    }
    const first = site.instances[0];
    if (!first) return undefined;
    if (s.key.kind === 'addr') {
      this.warn(`${loc(s.at)}: ${serviceLabel(s)}: its address is in no virtual_ipaddress; the cluster puts it in vrrp_instance ${first.name}, and the rendered configuration adds it there (keepalived will then move it with the instance)`);
    } else if (site.instances.length > 1) {
      this.warn(`${loc(s.at)}: ${serviceLabel(s)}: a fwmark service belongs to no instance by address; imported into the cluster of vrrp_instance ${first.name}`);
    }
    return first;
  }

  private cluster(instName: string, members: { i: number; inst: SiteInstance }[], services: { site: number; service: SiteService }[],
    hosts: DraftHost[], clusterNames: Set<string>): DraftCluster {
    const first = members[0].inst;
    const name = uniqueName(isName(instName) ? instName : `vrrp-${first.virtualRouterId ?? 'instance'}`, clusterNames);
    const cluster: DraftCluster = { name, comments: [], directors: [], sysctls: {}, sysctlComments: [], services: [], engine: 'keepalived' };
    if (name !== instName) cluster.comments.push(`vrrp_instance ${instName} (its name is no valid cluster name)`);
    cluster.vrrp = this.vrrp(first, members, cluster.comments);

    const directorNames = members.map((m) => this.names[m.i]);
    const addressOf = new Map<string, string>();
    for (const m of members) {
      const host = hosts.find((h) => h.name === this.names[m.i]);
      if (host && m.inst.unicastSrc !== undefined) {
        if (!host.addresses.includes(m.inst.unicastSrc)) host.addresses.push(m.inst.unicastSrc);
        addressOf.set(this.names[m.i], m.inst.unicastSrc);
      }
      if (host && m.inst.interface !== undefined && host.interface === undefined) host.interface = m.inst.interface;
    }
    for (const m of members) cluster.directors.push(this.director(m.inst, this.names[m.i], directorNames, addressOf, cluster.vrrp));

    // Services: the first director's version of each; a differing one on another director is warned.
    const byKey = new Map<string, { site: number; service: SiteService }[]>();
    for (const e of services) byKey.set(serviceKey(e.service), [...(byKey.get(serviceKey(e.service)) ?? []), e]);
    const svcNames = new Set<string>();
    const vipsUsed = new Set<string>();
    const drafts: { draft: DraftService; service: SiteService }[] = [];
    for (const entries of byKey.values()) {
      const s = entries[0].service;
      const d = this.service(s, svcNames);
      for (const other of entries.slice(1)) {
        if (signature(other.service) !== signature(s)) {
          this.warn(`${loc(other.service.at)}: ${serviceLabel(s)} differs from ${loc(s.at)}: the file holds the one of ${this.names[entries[0].site]}; applying it changes ${this.names[other.site]}`, d.comments);
        }
      }
      const held = new Set(entries.map((e) => this.names[e.site]));
      for (const dn of directorNames) if (!held.has(dn)) this.warn(`${loc(s.at)}: ${serviceLabel(s)} is not in the configuration of ${dn}: applying the file adds it there`, d.comments);
      if (s.key.kind === 'addr') vipsUsed.add(s.key.address);
      drafts.push({ draft: d, service: s });
      this.origin.set(d, s.at);
      cluster.services.push(d);
    }
    // VIPs of the instance that no service uses: a lone fwmark service without address takes one of them, the rest are warned.
    const leftovers = [...first.vips, ...first.excluded].filter((v, i, all) => !vipsUsed.has(v.address) && all.findIndex((x) => x.address === v.address) === i);
    const fwmarks = drafts.filter((x) => x.service.key.kind === 'fwmark');
    for (const v of leftovers) {
      const taker = fwmarks.length === 1 && fwmarks[0].draft.vip === undefined && fwmarks[0].service.family === v.family ? fwmarks[0] : undefined;
      if (taker) {
        taker.draft.vip = v.address;
        taker.draft.comments.push(`vip: ${v.address} of vrrp_instance ${instName} (${loc(v.at)}), the one VIP no other service uses; the marking rules (iptables/nft) stay yours`);
        continue;
      }
      this.warn(`${loc(v.at)}: VIP ${v.address} of vrrp_instance ${instName} is no service's address: the cluster file holds a service's VIPs only, so the rendered instance does not hold it`, cluster.comments);
    }
    for (const f of fwmarks) if (f.draft.vip === undefined) this.warn(`${loc(f.service.at)}: ${serviceLabel(f.service)}: the packets it matches are marked by iptables/nft rules, which the cluster file does not manage`, f.draft.comments);
    return cluster;
  }

  private vrrp(first: SiteInstance, members: { i: number; inst: SiteInstance }[], comments: string[]): DraftVrrp {
    const site = this.input.sources[members[0].i].site;
    let id = first.virtualRouterId;
    if (id === undefined) {
      id = 51;
      this.warn(`${loc(first.at)}: vrrp_instance ${first.name} has no virtual_router_id (keepalived refuses it): assumed 51`, comments);
    }
    const out: DraftVrrp = { virtualRouterId: id, advertInterval: first.advertInterval };
    if (!first.preempt) out.preempt = false;
    else if (first.preemptDelay !== undefined) out.preemptDelay = first.preemptDelay;
    if (first.peers.length === 0) out.multicast = true;
    if (site.strict) out.strict = true;
    if (first.accept) out.accept = true;
    if (site.syncDaemon?.instance === first.name) out.syncConnections = true;
    for (const m of members) {
      const inst = m.inst;
      const s = this.input.sources[m.i].site;
      const where = `${loc(inst.at)}: vrrp_instance ${inst.name}`;
      if (inst.version !== 3) this.warn(`${where} speaks VRRP version ${inst.version}${inst.version === 2 ? ' (keepalived\'s default)' : ''}; the rendered configuration speaks version 3 (every director of the pair must be moved together)`, comments);
      if (inst.state === 'MASTER') this.warn(`${where}: "state MASTER" is not kept: every rendered director starts as BACKUP and the priorities elect the master`, comments);
      if (m === members[0]) continue;
      const differs: string[] = [];
      if (inst.virtualRouterId !== first.virtualRouterId) differs.push(`virtual_router_id ${inst.virtualRouterId ?? '(none)'}`);
      if (inst.advertInterval !== first.advertInterval) differs.push(`advert_int ${inst.advertInterval}`);
      if (inst.preempt !== first.preempt || inst.preemptDelay !== first.preemptDelay) differs.push(inst.preempt ? `preempt_delay ${inst.preemptDelay ?? 0}` : 'nopreempt');
      if (inst.accept !== first.accept) differs.push(inst.accept ? 'accept' : 'no accept');
      if ((inst.peers.length === 0) !== (first.peers.length === 0)) differs.push(inst.peers.length === 0 ? 'multicast' : 'unicast');
      if (s.strict !== site.strict) differs.push(s.strict ? 'vrrp_strict' : 'no vrrp_strict');
      if ((s.syncDaemon?.instance === inst.name) !== (out.syncConnections === true)) differs.push(s.syncDaemon ? 'lvs_sync_daemon' : 'no lvs_sync_daemon');
      if (differs.length > 0) this.warn(`${where} differs from ${loc(first.at)} (${differs.join(', ')}): the file holds the first director's settings`, comments);
    }
    return out;
  }

  private director(inst: SiteInstance, name: string, directorNames: string[], addressOf: Map<string, string>, vrrp: DraftVrrp): DraftDirector {
    const d: DraftDirector = { host: name, comments: [] };
    const where = `${loc(inst.at)}: vrrp_instance ${inst.name}`;
    if (inst.interface !== undefined) d.interface = inst.interface;
    else {
      d.interface = 'eth0';
      this.warn(`${where} of ${name} has no interface (keepalived refuses it): assumed eth0`, d.comments);
    }
    let priority = inst.priority;
    if (priority < 1 || priority > 254) {
      priority = Math.min(254, Math.max(1, priority));
      this.warn(`${where}: priority ${inst.priority} (255 is the address owner's) is written as ${priority}`, d.comments);
    }
    d.priority = priority;
    const vips = [...inst.vips, ...inst.excluded];
    const labels = [...new Set(vips.filter((v) => v.family === 'inet').map((v) => v.label ?? ''))];
    const label = labels.find((l) => l !== '');
    if (label !== undefined) d.vipLabel = label;
    if (labels.length > 1) this.warn(`${where}: the VIPs have different labels (${labels.map((l) => l || 'none').join(', ')}); the file holds one per director: ${label ?? ''}`, d.comments);
    for (const v of vips) {
      if (v.dev !== undefined && v.dev !== d.interface) this.warn(`${loc(v.at)}: VIP ${v.address} is on ${v.dev}, the instance's interface is ${d.interface}: the rendered VIP is on ${d.interface}`, d.comments);
      if (v.prefix !== undefined && v.prefix !== hostPrefix(v.family)) this.warn(`${loc(v.at)}: VIP ${v.address}/${v.prefix}: the rendered VIP is /${hostPrefix(v.family)} (the file holds no prefix)`, d.comments);
    }
    if (!vrrp.multicast) {
      const others = directorNames.filter((n) => n !== name);
      const expected = others.map((n) => addressOf.get(n)).filter((a): a is string => a !== undefined);
      for (const p of inst.peers) if (!expected.includes(p)) this.warn(`${where}: unicast peer ${p} is the unicast_src_ip of no given director (import its keepalived.conf too): the rendered configuration of ${name} does not name it`, d.comments);
      for (const n of others) {
        const a = addressOf.get(n);
        if (a !== undefined && !inst.peers.includes(a)) this.warn(`${where}: ${n} (${a}) is no unicast peer of ${name}; the rendered configuration adds it`, d.comments);
      }
      if (inst.unicastSrc === undefined) this.warn(`${where}: no unicast_src_ip on ${name}: give host ${name} its address (unicast VRRP sends from it)`, d.comments);
    }
    return d;
  }

  private service(s: SiteService, taken: Set<string>): DraftService {
    const base = s.key.kind === 'fwmark' ? `fwmark-${s.key.fwmark}` : portToServiceName(s.key.port, s.key.protocol) ?? `${s.key.protocol}-${s.key.port}`;
    const name = uniqueName(taken.has(base) && s.family === 'inet6' ? `${base}-v6` : base, taken);
    const d: DraftService = { name, comments: [], scheduler: s.scheduler, schedulerFlags: [...s.schedulerFlags], onePacket: s.onePacket, realServers: [] };
    if (s.key.kind === 'fwmark') {
      d.fwmark = s.key.fwmark;
      if (s.family === 'inet6') d.family = 'ipv6';
    } else {
      d.protocol = s.key.protocol;
      d.vip = s.key.address;
      d.port = s.key.port;
    }
    if (s.persistence) d.persistence = { ...s.persistence };
    if (s.pe) d.pe = s.pe;
    if (s.sorryServer) {
      if (s.sorryServer.port === 0) this.warn(`${loc(s.at)}: ${serviceLabel(s)}: a sorry server without a port is not imported (the file needs one)`, d.comments);
      else d.sorryServer = { ...s.sorryServer };
    }
    if (s.quorum !== 1 || s.hysteresis > 0) d.quorum = s.quorum;
    if (s.hysteresis > 0) d.hysteresis = s.hysteresis;
    const checks = s.realServers.map((rs) => (rs.healthCheck ? JSON.stringify(rs.healthCheck) : ''));
    const shared = checks.length > 0 && checks[0] !== '' && checks.every((c) => c === checks[0]);
    if (shared && s.realServers[0].healthCheck) d.healthCheck = draftHealthCheck(s.realServers[0].healthCheck);
    const seen = new Set<string>();
    for (const rs of s.realServers) {
      const key = `${rs.address} ${rs.port}`;
      if (seen.has(key)) {
        this.warn(`${loc(rs.at)}: real_server ${rs.address} ${rs.port} is listed twice in ${serviceLabel(s)}: keepalived refuses the second, so does the import`, d.comments);
        continue;
      }
      seen.add(key);
      const r: DraftRealServer = {
        address: rs.address, comments: [], method: rs.method, weight: rs.weight, upperThreshold: rs.upperThreshold, lowerThreshold: rs.lowerThreshold,
      };
      if (rs.port !== (s.key.kind === 'addr' ? s.key.port : 0) || (s.key.kind === 'fwmark' && rs.port !== 0)) r.port = rs.port;
      if (rs.tunnel && (rs.tunnel.type !== 'ipip' || rs.tunnel.port !== undefined || rs.tunnel.checksum !== undefined)) r.tunnel = { ...rs.tunnel };
      if (!shared && rs.healthCheck) r.healthCheck = draftHealthCheck(rs.healthCheck);
      d.realServers.push(r);
    }
    return d;
  }
}

export function draftFromKeepalived(input: KeepalivedImportInput): ImportDraft {
  return new KeepalivedDrafter(input).build();
}
