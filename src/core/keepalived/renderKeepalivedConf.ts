/**
 * The keepalived.conf one director of a keepalived cluster gets (keepalived 2.x spellings: `lvs_sched`,
 * `lvs_method`, `retry`): global_defs, one VRRP instance (VRRPv3) holding every VIP of the cluster, and one
 * virtual_server per service with its real servers and their checkers. Deterministic: the same model gives
 * the same bytes; services and real servers keep the file's order. docs/ha.md has the mapping key by key.
 *
 * Never rendered: `lvs_flush` (it would clear other clusters' IPVS services on a shared director) and any
 * authentication (VRRPv3 has none; secrets never come from the cluster file).
 */

import { clusterVips } from '../clusterFile/clusterVips';
import { canonicalSchedFlags } from '../clusterFile/desiredTable';
import type { Range } from '../diagnostics';
import type { ClusterFile, ClusterSpec, DirectorSpec, HealthCheckSpec, HostSpec, RealServerSpec, ServiceSpec } from '../clusterFile/types';
import type { AddressFamily, ForwardingMethod } from '../ipvs/types';
import { failoverTrackFile, failoverTrackName } from './keepalivedFailover';
import { headerLines } from './keepalivedHeader';
import { kaSeconds, kaWord } from './keepalivedWords';

export interface KeepalivedRenderInput {
  model: ClusterFile;
  cluster: string;
  director: string;
  /** Names the source in the header (the cluster file's name as given). */
  sourceLabel: string;
}

const METHOD: Readonly<Record<ForwardingMethod, string>> = { dr: 'DR', nat: 'NAT', tun: 'TUN' };
const CHECKER: Readonly<Record<HealthCheckSpec['type'], string>> = {
  tcp: 'TCP_CHECK', http: 'HTTP_GET', https: 'SSL_GET', dns: 'DNS_CHECK', smtp: 'SMTP_CHECK', misc: 'MISC_CHECK',
};

/** The cluster-file item a rendered line comes from. */
export interface LineOrigin {
  /** Its range in the cluster file (0-based lines). */
  range: Range;
  /** What it is: `service http (tcp 10.116.0.201:80)`, `real server 10.116.0.11:80`, `director director2`, … */
  what: string;
}

/** Indented block writer: one line per keyword, four spaces per level; remembers which item each line comes from. */
class ConfWriter {
  private readonly lines: string[] = [];
  readonly origins: (LineOrigin | undefined)[] = [];
  private depth = 0;
  /** The item the next lines come from. */
  from: LineOrigin | undefined;

  line(...words: (string | number)[]): void {
    this.lines.push(`${'    '.repeat(this.depth)}${words.map((w) => (typeof w === 'number' ? kaWord(w) : w)).join(' ')}`);
    this.origins.push(this.from);
  }

  /** Runs `body` with its lines attributed to `origin`. */
  within(origin: LineOrigin, body: () => void): void {
    const outer = this.from;
    this.from = origin;
    body();
    this.from = outer;
  }

  block(head: string[], body: () => void): void {
    this.line(...head, '{');
    this.depth++;
    body();
    this.depth--;
    this.line('}');
  }

  raw(text: string): void {
    this.lines.push(text);
    this.origins.push(undefined);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 'inet6' : 'inet';
}

function hostPrefix(family: AddressFamily): number {
  return family === 'inet' ? 32 : 128;
}

/** The address the director speaks VRRP from: its IPv4 address, else its first. */
function vrrpAddress(host: HostSpec | undefined): string | undefined {
  return host?.addresses.find((a) => familyOf(a) === 'inet') ?? host?.addresses[0];
}

export function findKeepalivedCluster(model: ClusterFile, name: string): ClusterSpec {
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`The cluster file has no cluster named "${name}".`);
  if (cluster.engine !== 'keepalived' || !cluster.vrrp) throw new Error(`Cluster "${name}" has engine ${cluster.engine}, not keepalived.`);
  return cluster;
}

/** The keepalived.conf of director `input.director` of keepalived cluster `input.cluster`. */
export function renderKeepalivedConf(input: KeepalivedRenderInput): string {
  return renderKeepalivedConfLines(input).text;
}

export interface MappedKeepalivedConf {
  text: string;
  /** origins[i]: the cluster-file item line i + 1 comes from (undefined for the header and blank lines). */
  origins: (LineOrigin | undefined)[];
}

const serviceWhat = (s: ServiceSpec): string => `service ${s.name !== undefined ? `${s.name} ` : ''}(${s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.protocol ?? 'tcp'} ${s.vip ?? ''}:${s.port}`})`;

/** The same text, with the cluster-file item of each line (to map keepalived -t's "Line N" back to the file). */
export function renderKeepalivedConfLines(input: KeepalivedRenderInput): MappedKeepalivedConf {
  const cluster = findKeepalivedCluster(input.model, input.cluster);
  const director = cluster.directors.find((d) => d.host === input.director);
  if (!director) throw new Error(`"${input.director}" is not a director of cluster "${cluster.name}" (its directors: ${cluster.directors.map((d) => d.host).join(', ')}).`);
  const hosts = new Map(input.model.hosts.map((h) => [h.name, h]));
  const w = new ConfWriter();
  for (const l of headerLines(input.sourceLabel, kaWord(cluster.name), kaWord(director.host))) w.raw(l);
  w.raw('');
  w.from = { range: director.range, what: `director ${director.host}` };
  const needsScripts = cluster.services.some((s) => s.realServers.some((rs) => rs.healthCheck?.type === 'misc'));
  w.block(['global_defs'], () => {
    w.line('router_id', kaWord(director.host));
    if (cluster.vrrp?.strict) w.line('vrrp_strict');
    // The master's kernel sends its connections to the backup's (multicast on the VRRP interface).
    if (cluster.vrrp?.syncConnections && director.interface !== undefined) {
      w.line('lvs_sync_daemon', kaWord(director.interface), kaWord(cluster.name), 'id', cluster.vrrp.virtualRouterId);
    }
    if (needsScripts) {
      w.line('enable_script_security');
      w.line('script_user', 'root');
    }
  });
  w.raw('');
  w.within({ range: cluster.range, what: `cluster ${cluster.name} (its vrrp settings)` }, () => {
    // lvsctl failover writes a number into this file; keepalived adds it to the priority (inotify, no reload).
    w.block(['vrrp_track_file', failoverTrackName(cluster.name)], () => {
      w.line('file', failoverTrackFile(cluster.name));
      w.line('weight', 1);
      w.line('init_file', 0);
    });
    w.raw('');
    renderVrrpInstance(w, cluster, director, hosts);
  });
  for (const service of cluster.services) {
    w.raw('');
    w.within({ range: service.range, what: serviceWhat(service) }, () => renderVirtualServer(w, service));
  }
  return { text: w.text(), origins: w.origins };
}

/** Every director's keepalived.conf, in the order of `directors`. */
export function renderKeepalivedConfs(model: ClusterFile, clusterName: string, sourceLabel: string): { director: string; text: string }[] {
  return findKeepalivedCluster(model, clusterName).directors.map((d) => ({
    director: d.host,
    text: renderKeepalivedConf({ model, cluster: clusterName, director: d.host, sourceLabel }),
  }));
}

function renderVrrpInstance(w: ConfWriter, cluster: ClusterSpec, director: DirectorSpec, hosts: Map<string, HostSpec>): void {
  const vrrp = cluster.vrrp;
  if (!vrrp) return;
  const iface = director.interface;
  if (iface === undefined) throw new Error(`Director "${director.host}" has no interface for the VIPs.`);
  const own = vrrpAddress(hosts.get(director.host));
  if (own === undefined && !vrrp.multicast) throw new Error(`Director "${director.host}" has no address to send unicast VRRP adverts from.`);
  const family = own !== undefined ? familyOf(own) : 'inet';
  w.block(['vrrp_instance', kaWord(cluster.name)], () => {
    // Every director starts as BACKUP: the priorities elect the master (and nopreempt/preempt_delay need it).
    const mine: LineOrigin = { range: director.range, what: `director ${director.host}` };
    w.line('state', 'BACKUP');
    w.within(mine, () => w.line('interface', kaWord(iface)));
    w.line('virtual_router_id', vrrp.virtualRouterId);
    w.within(mine, () => w.line('priority', director.priority ?? 100));
    w.line('advert_int', kaSeconds(vrrp.advertInterval));
    w.line('version', 3);
    if (!vrrp.preempt) w.line('nopreempt');
    else if (vrrp.preemptDelay !== undefined) w.line('preempt_delay', kaSeconds(vrrp.preemptDelay));
    if (vrrp.accept) w.line('accept');
    w.block(['track_file'], () => w.line(failoverTrackName(cluster.name)));
    const peers = cluster.directors.filter((d) => d.host !== director.host)
      .map((d) => ({ h: hosts.get(d.host), addr: hosts.get(d.host)?.addresses.find((a) => familyOf(a) === family) }))
      .filter((p): p is { h: HostSpec; addr: string } => p.h !== undefined && p.addr !== undefined);
    // A lone director has no peer to advertise to: keepalived -t refuses unicast keywords without peers
    // (exit 5), so its adverts go to the multicast group (and nobody answers them).
    if (!vrrp.multicast && own !== undefined && peers.length > 0) {
      const src = hosts.get(director.host);
      if (src) w.within({ range: src.range, what: `host ${src.name} (its address)` }, () => w.line('unicast_src_ip', kaWord(own)));
      else w.line('unicast_src_ip', kaWord(own));
      w.block(['unicast_peer'], () => {
        for (const p of peers) w.within({ range: p.h.range, what: `host ${p.h.name} (its address)` }, () => w.line(kaWord(p.addr)));
      });
    }
    const vips = clusterVips(cluster);
    const vipLine = (vip: string): void => {
      const f = familyOf(vip);
      const words = [`${kaWord(vip)}/${hostPrefix(f)}`, 'dev', kaWord(iface)];
      if (f === 'inet' && director.vipLabel !== undefined) words.push('label', kaWord(director.vipLabel));
      const service = cluster.services.find((s) => s.vip === vip);
      if (service) w.within({ range: service.range, what: `${serviceWhat(service)} (its vip, on director ${director.host}'s interface)` }, () => w.line(...words));
      else w.line(...words);
    };
    // An instance speaks one family; VIPs of the other family ride along as excluded addresses.
    w.block(['virtual_ipaddress'], () => { for (const v of vips) if (familyOf(v) === family) vipLine(v); });
    const other = vips.filter((v) => familyOf(v) !== family);
    if (other.length > 0) w.block(['virtual_ipaddress_excluded'], () => { for (const v of other) vipLine(v); });
  });
}

function renderVirtualServer(w: ConfWriter, s: ServiceSpec): void {
  const head = s.fwmark !== undefined ? ['virtual_server', 'fwmark', kaWord(s.fwmark)] : ['virtual_server', kaWord(s.vip ?? ''), kaWord(s.port)];
  const method: ForwardingMethod = s.realServers[0]?.method ?? 'dr';
  w.block(head, () => {
    if (s.fwmark !== undefined && s.family === 'inet6') w.line('ip_family', 'inet6');
    w.line('lvs_sched', kaWord(s.scheduler));
    w.line('lvs_method', METHOD[method]);
    if (s.protocol !== undefined) w.line('protocol', s.protocol.toUpperCase());
    // keepalived warns about (and `-t` fails on) sh-/mh- flags of other schedulers; the kernel ignores them there too.
    if (s.scheduler === 'sh' || s.scheduler === 'mh') for (const f of canonicalSchedFlags(s.scheduler, s.schedulerFlags)) w.line(kaWord(f));
    if (s.onePacket) w.line('ops');
    if (s.persistence) {
      w.line('persistence_timeout', s.persistence.timeout);
      if (s.persistence.netmask !== undefined) w.line('persistence_granularity', kaWord(s.persistence.netmask));
    }
    if (s.pe) w.line('persistence_engine', kaWord(s.pe));
    if (s.quorum !== undefined) w.line('quorum', s.quorum);
    if (s.hysteresis !== undefined) w.line('hysteresis', s.hysteresis);
    if (s.sorryServer) w.line('sorry_server', kaWord(s.sorryServer.address), s.sorryServer.port);
    for (const rs of s.realServers) w.within({ range: rs.range, what: `real server ${rs.host ?? rs.address}:${rs.port} of ${serviceWhat(s)}` }, () => renderRealServer(w, s, rs, method));
  });
}

function renderRealServer(w: ConfWriter, s: ServiceSpec, rs: RealServerSpec, serviceMethod: ForwardingMethod): void {
  // ipvsadm forces the service's port on DR/TUN servers of non-fwmark services; keepalived passes what it is given.
  const port = s.fwmark === undefined && rs.method !== 'nat' ? s.port : rs.port;
  w.block(['real_server', kaWord(rs.address), kaWord(port)], () => {
    w.line('weight', rs.weight);
    if (rs.method !== serviceMethod || rs.tunnel) {
      const words = ['lvs_method', METHOD[rs.method]];
      if (rs.method === 'tun' && rs.tunnel) {
        words.push('type', kaWord(rs.tunnel.type));
        if (rs.tunnel.port !== undefined) words.push('port', kaWord(rs.tunnel.port));
        if (rs.tunnel.checksum !== undefined) words.push(kaWord(rs.tunnel.checksum));
      }
      w.line(...words);
    }
    if (rs.upperThreshold > 0) w.line('uthreshold', rs.upperThreshold);
    if (rs.lowerThreshold > 0) w.line('lthreshold', rs.lowerThreshold);
    const check = rs.healthCheck;
    if (!check) return;
    if (check.inhibitOnFailure) w.line('inhibit_on_failure');
    w.block([CHECKER[check.type]], () => renderChecker(w, check));
  });
}

function renderChecker(w: ConfWriter, c: HealthCheckSpec): void {
  if (c.type === 'http' || c.type === 'https') {
    w.block(['url'], () => {
      w.line('path', kaWord(c.path ?? '/'));
      if (c.digest !== undefined) w.line('digest', kaWord(c.digest));
      w.line('status_code', ...(c.statusCodes ?? [200]).map((n) => kaWord(n)));
    });
    if (c.virtualHost !== undefined) w.line('virtualhost', kaWord(c.virtualHost));
  }
  if (c.type === 'dns') {
    if (c.dnsType !== undefined) w.line('type', kaWord(c.dnsType));
    if (c.dnsName !== undefined) w.line('name', kaWord(c.dnsName));
  }
  if (c.type === 'misc') {
    w.line('misc_path', kaWord(c.script ?? ''));
    // misc_timeout is whole seconds.
    w.line('misc_timeout', Math.max(1, Math.ceil(c.timeout)));
  } else {
    if (c.port !== undefined) w.line('connect_port', c.port);
    w.line('connect_timeout', kaSeconds(c.timeout));
  }
  w.line('retry', c.retries);
  w.line('delay_before_retry', kaSeconds(c.retryDelay));
  w.line('delay_loop', kaSeconds(c.interval));
  if (c.warmup !== undefined) w.line('warmup', kaSeconds(c.warmup));
}
