/**
 * A parsed keepalived.conf (the statement tree of ../keepalivedConf/confParser.ts, includes read in place)
 * → what keepalived will do with it, in the cluster file's terms: the VRRP instances (router id, advert
 * interval, priority, preemption, unicast peers, VIPs) and the virtual servers with their real servers and
 * the EFFECTIVE health check of each (keepalived's inheritance checker ← real_server ← virtual_server and its
 * defaults applied: delay_loop 60 s, connect_timeout 5 s, retry 1 (MISC_CHECK 0), delay_before_retry 1 s,
 * status codes 200-299 when none are given, scheduler wlc, method NAT, protocol TCP, weight 1).
 *
 * Every statement is either read into the site or reported as a warning naming its file and line: nothing is
 * dropped silently. The site's shape is keepalivedSiteTypes.ts; the checkers and their timing inheritance are
 * read by keepalivedSiteChecks.ts. The import (draftFromKeepalived.ts) and the round-trip tests use the same reading, so a
 * rendered configuration read back must give the same site.
 */
import { ipv4NetmaskPrefix, parseAddress } from '../ipvs/address';
import { SCHED_FLAGS, SCHEDULERS } from '../ipvs/types';
import type { AddressFamily, ForwardingMethod, Protocol, SchedFlag, Scheduler, TunnelChecksum, TunnelType } from '../ipvs/types';
import type { ConfNode, ParsedConf } from '../keepalivedConf/confParser';
import { CHECKERS, UNSUPPORTED_CHECKERS, int, num, readChecker, readTiming } from './keepalivedSiteChecks';
import type { SiteNotes, Timing } from './keepalivedSiteChecks';
import { KEEPALIVED_DEFAULTS } from './keepalivedSiteTypes';
import type { KeepalivedSite, SiteInstance, SiteLocation, SiteRealServer, SiteService, SiteServiceKey, SiteVip } from './keepalivedSiteTypes';

const METHODS: Readonly<Record<string, ForwardingMethod>> = { NAT: 'nat', DR: 'dr', TUN: 'tun' };
const PROTOCOLS: Readonly<Record<string, Protocol>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

class SiteReader implements SiteNotes {
  readonly site: KeepalivedSite;

  constructor(private readonly parsed: ParsedConf, file: string) {
    this.site = { file, strict: false, instances: [], services: [], warnings: [] };
  }

  private at(n: ConfNode): SiteLocation {
    return { file: n.file ?? this.site.file, line: n.keyword.range.start.line + 1 };
  }

  warn(n: ConfNode, text: string): void {
    this.site.warnings.push({ ...this.at(n), text });
  }

  /** A statement the cluster file has no key for. */
  lost(n: ConfNode, where: string, why = 'the cluster file has no key for it'): void {
    const words = [n.keyword.text, ...n.args.map((a) => a.text)].join(' ');
    this.warn(n, `"${words}"${n.block ? ' { … }' : ''} in ${where} is not imported: ${why}`);
  }

  read(): KeepalivedSite {
    for (const p of this.parsed.problems) {
      this.site.warnings.push({ file: p.file ?? this.site.file, line: p.range.start.line + 1, text: `keepalived.conf problem (${p.kind}${p.subject ? ` ${p.subject}` : ''}): what follows may be read differently by keepalived` });
    }
    for (const inc of this.parsed.includes) {
      if (inc.matched === undefined) this.site.warnings.push({ file: inc.file ?? this.site.file, line: inc.keyword.range.start.line + 1, text: `include ${inc.pattern.text} was not followed (a parameter, or no file system to read): its statements are not imported` });
      else if (inc.matched.length === 0) this.site.warnings.push({ file: inc.file ?? this.site.file, line: inc.keyword.range.start.line + 1, text: `include ${inc.pattern.text} matches no file` });
    }
    for (const n of this.parsed.nodes) this.top(n);
    return this.site;
  }

  private top(n: ConfNode): void {
    if (n.condition) {
      this.lost(n, 'the configuration', `it is conditional (@${n.condition.negated ? '^' : ''}${n.condition.id}); the cluster file has no conditions`);
      return;
    }
    if (n.repeated || n.keyword.hasParameter || n.args.some((a) => a.hasParameter)) {
      this.lost(n, 'the configuration', 'it uses $PARAMETERS or ~SEQ/~LST, which the import does not expand');
      return;
    }
    switch (n.keyword.text) {
      case 'global_defs': return this.globalDefs(n);
      case 'vrrp_instance': return this.instance(n);
      case 'virtual_server': return this.virtualServer(n);
      // lvsctl's own failover track file (renderKeepalivedConf.ts): the render writes it again.
      case 'vrrp_track_file': if (n.args[0]?.text.startsWith('lvsctl_failover_')) return; return this.lost(n, 'the configuration');
      case 'vrrp_script': return this.lost(n, 'the configuration', 'VRRP tracking scripts are not part of the cluster file (docs/ha.md: never rendered)');
      case 'vrrp_sync_group': return this.lost(n, 'the configuration', 'sync groups are not part of the cluster file (one VRRP instance per cluster)');
      case 'virtual_server_group': return this.lost(n, 'the configuration', 'virtual_server_group is not part of the cluster file: list its addresses as services');
      default: return this.lost(n, 'the configuration');
    }
  }

  private globalDefs(g: ConfNode): void {
    for (const n of g.block?.children ?? []) {
      const a = n.args.map((t) => t.text);
      switch (n.keyword.text) {
        case 'router_id': this.site.routerId = a[0]; break;
        case 'vrrp_strict': this.site.strict = true; break;
        case 'lvs_sync_daemon':
          if (a[0] !== undefined && a[1] !== undefined) {
            this.site.syncDaemon = { interface: a[0], instance: a[1] };
            if (a.length > 2 && !(a[2] === 'id' && a.length === 4)) this.warn(n, `lvs_sync_daemon options ${a.slice(2).join(' ')} are not imported (only the sync id, which is the virtual router id)`);
          }
          break;
        case 'vrrp_version': {
          const v = int(a[0]);
          if (v !== undefined) for (const i of this.site.instances) i.version = v;
          this.defaultVersion = v ?? this.defaultVersion;
          break;
        }
        // Written by the renderer whenever a MISC_CHECK is there; they change nothing else.
        case 'enable_script_security': case 'script_user': break;
        default: this.lost(n, 'global_defs');
      }
    }
  }

  private defaultVersion: number = KEEPALIVED_DEFAULTS.vrrpVersion;

  private instance(b: ConfNode): void {
    const inst: SiteInstance = {
      name: b.args[0]?.text ?? '', at: this.at(b), priority: KEEPALIVED_DEFAULTS.priority, advertInterval: KEEPALIVED_DEFAULTS.advertInterval,
      preempt: true, accept: false, version: this.defaultVersion, peers: [], vips: [], excluded: [],
    };
    const where = `vrrp_instance ${inst.name}`;
    for (const n of b.block?.children ?? []) {
      const a = n.args.map((t) => t.text);
      switch (n.keyword.text) {
        case 'state': inst.state = a[0]; break;
        case 'interface': inst.interface = a[0]; break;
        case 'virtual_router_id': { const v = int(a[0]); if (v !== undefined) inst.virtualRouterId = v; break; }
        case 'priority': { const v = int(a[0]); if (v !== undefined) inst.priority = v; break; }
        case 'advert_int': { const v = num(a[0]); if (v !== undefined) inst.advertInterval = v; break; }
        case 'nopreempt': inst.preempt = false; break;
        case 'preempt': inst.preempt = true; break;
        case 'preempt_delay': { const v = num(a[0]); if (v !== undefined) inst.preemptDelay = v; break; }
        case 'accept': inst.accept = true; break;
        case 'no_accept': inst.accept = false; break;
        case 'version': { const v = int(a[0]); if (v !== undefined) inst.version = v; break; }
        case 'unicast_src_ip': { const p = parseAddress(a[0] ?? ''); if (p) inst.unicastSrc = p.text; else this.lost(n, where, 'not an address'); break; }
        case 'unicast_peer':
          for (const c of n.block?.children ?? []) {
            const p = parseAddress(c.keyword.text);
            if (p) inst.peers.push(p.text);
            else this.lost(c, `${where} unicast_peer`, 'not an address');
            if (c.args.length > 0) this.warn(c, `unicast_peer options ${c.args.map((t) => t.text).join(' ')} are not imported`);
          }
          break;
        case 'virtual_ipaddress': for (const c of n.block?.children ?? []) this.vip(c, inst.vips, where); break;
        case 'virtual_ipaddress_excluded': for (const c of n.block?.children ?? []) this.vip(c, inst.excluded, where); break;
        case 'lvs_sync_daemon_interface': if (a[0] !== undefined) this.site.syncDaemon = { interface: a[0], instance: inst.name }; break;
        case 'authentication': this.lost(n, where, 'VRRP authentication is not part of the cluster file (VRRPv3 has none; secrets never go in the file): the rendered instance has no authentication'); break;
        case 'track_file': {
          const lvsctlOnly = (n.block?.children ?? []).every((c) => c.keyword.text === `lvsctl_failover_${inst.name}` && c.args.length === 0);
          if (!lvsctlOnly) this.lost(n, where, 'tracking is not part of the cluster file (docs/ha.md: never rendered)');
          break;
        }
        default:
          if (/^notify/.test(n.keyword.text)) this.lost(n, where, 'notify scripts are not part of the cluster file (docs/ha.md: never rendered)');
          else if (/^track_/.test(n.keyword.text)) this.lost(n, where, 'tracking is not part of the cluster file (docs/ha.md: never rendered)');
          else this.lost(n, where);
      }
    }
    this.site.instances.push(inst);
  }

  /** `ADDR[/PREFIX] [dev IF] [label L] …` of virtual_ipaddress. */
  private vip(n: ConfNode, into: SiteVip[], where: string): void {
    const [addrText, prefixText] = n.keyword.text.split('/');
    const p = parseAddress(addrText);
    if (!p) return this.lost(n, `${where} virtual_ipaddress`, 'not an address');
    const vip: SiteVip = { address: p.text, family: p.family, at: this.at(n) };
    if (prefixText !== undefined) { const v = int(prefixText); if (v !== undefined) vip.prefix = v; }
    const a = n.args.map((t) => t.text);
    const extra: string[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === 'dev' && a[i + 1] !== undefined) vip.dev = a[++i];
      else if (a[i] === 'label' && a[i + 1] !== undefined) vip.label = a[++i];
      else extra.push(a[i]);
    }
    if (extra.length > 0) this.warn(n, `VIP ${p.text}: options "${extra.join(' ')}" are not imported (the file holds dev and label only)`);
    into.push(vip);
  }

  private virtualServer(b: ConfNode): void {
    const a = b.args.map((t) => t.text);
    let key: SiteServiceKey;
    let family: AddressFamily = 'inet';
    if (a[0] === 'group') return this.lost(b, 'the configuration', 'virtual_server group is not part of the cluster file: list the group\'s addresses as services');
    if (a[0] === 'fwmark') {
      const mark = int(a[1]);
      if (mark === undefined || mark < 1) return this.lost(b, 'the configuration', 'no valid fwmark');
      key = { kind: 'fwmark', fwmark: mark };
    } else {
      const p = parseAddress(a[0] ?? '');
      const port = int(a[1]);
      if (!p || port === undefined) return this.lost(b, 'the configuration', 'no address and port');
      family = p.family;
      key = { kind: 'addr', address: p.text, port, protocol: 'tcp' };
    }
    const where = `virtual_server ${a.join(' ')}`;
    const svc: SiteService = {
      key, family, scheduler: KEEPALIVED_DEFAULTS.scheduler, schedulerFlags: [], onePacket: false, quorum: 1, hysteresis: 0, realServers: [], at: this.at(b),
    };
    const timing: Timing = {};
    let method: ForwardingMethod | undefined;
    let tunnel: SiteRealServer['tunnel'];
    let persistenceTimeout: number | undefined;
    let granularity: string | undefined;
    let vhost: string | undefined;
    const realServers: ConfNode[] = [];
    for (const n of b.block?.children ?? []) {
      const v = n.args.map((t) => t.text);
      if (readTiming(n, timing)) continue;
      switch (n.keyword.text) {
        case 'lb_algo': case 'lvs_sched':
          if ((SCHEDULERS as readonly string[]).includes(v[0] ?? '')) svc.scheduler = v[0] as Scheduler;
          else this.warn(n, `scheduler "${v[0] ?? ''}" is unknown: keepalived keeps wlc, and so does the import`);
          break;
        case 'lb_kind': case 'lvs_method': {
          const m = this.method(n, where);
          if (m) { method = m.method; tunnel = m.tunnel; }
          break;
        }
        case 'protocol':
          if (key.kind === 'addr' && PROTOCOLS[v[0] ?? '']) key.protocol = PROTOCOLS[v[0] ?? ''];
          else if (key.kind === 'fwmark') this.warn(n, 'protocol of a fwmark service: keepalived ignores it, so does the import');
          else this.lost(n, where, 'not TCP, UDP or SCTP');
          break;
        case 'ip_family':
          if (v[0] === 'inet6') family = 'inet6';
          else if (v[0] !== 'inet') this.lost(n, where, 'not inet or inet6');
          break;
        case 'persistence_timeout': persistenceTimeout = int(v[0]); break;
        case 'persistence_granularity': granularity = v[0]; break;
        case 'persistence_engine': if (v[0] === 'sip') svc.pe = 'sip'; else this.lost(n, where, 'only the sip persistence engine is known'); break;
        case 'ops': svc.onePacket = true; break;
        case 'quorum': { const q = int(v[0]); if (q !== undefined) svc.quorum = q; break; }
        case 'hysteresis': { const h = int(v[0]); if (h !== undefined) svc.hysteresis = h; break; }
        case 'sorry_server': {
          const p = parseAddress(v[0] ?? '');
          const port = int(v[1]) ?? (key.kind === 'addr' ? key.port : 0);
          if (p) svc.sorryServer = { address: p.text, port };
          else this.lost(n, where, 'not an address');
          break;
        }
        case 'virtualhost': vhost = v[0]; break;
        case 'real_server': realServers.push(n); break;
        default:
          if ((SCHED_FLAGS as readonly string[]).includes(n.keyword.text)) svc.schedulerFlags.push(n.keyword.text as SchedFlag);
          else if (n.keyword.text === 'hashed') { if (!svc.schedulerFlags.includes('flag-1')) svc.schedulerFlags.push('flag-1'); }
          else if (/^quorum_(up|down)$/.test(n.keyword.text)) this.lost(n, where, 'quorum scripts are not part of the cluster file');
          else this.lost(n, where);
      }
    }
    svc.family = family;
    if (persistenceTimeout !== undefined && persistenceTimeout > 0) {
      svc.persistence = { timeout: persistenceTimeout };
      const host = family === 'inet' ? '255.255.255.255' : '128';
      if (granularity !== undefined && granularity !== host) {
        const ok = family === 'inet' ? ipv4NetmaskPrefix(granularity) !== undefined : int(granularity) !== undefined;
        if (ok) svc.persistence.netmask = granularity;
      }
    }
    const vsPort = key.kind === 'addr' ? key.port : 0;
    // keepalived resets a DR/TUN sorry server's port to the service's ("ports don't match - resetting"; fwmark: 0).
    const sorryAt = (b.block?.children ?? []).find((n) => n.keyword.text === 'sorry_server');
    if (svc.sorryServer && sorryAt && (method ?? KEEPALIVED_DEFAULTS.method) !== 'nat' && svc.sorryServer.port !== vsPort) {
      this.warn(sorryAt, `sorry server port ${svc.sorryServer.port}: keepalived uses ${vsPort} with ${(method ?? 'nat').toUpperCase()} (and keepalived -t reports it), so does the import`);
      svc.sorryServer.port = vsPort;
    }
    for (const r of realServers) {
      const rs = this.realServer(r, svc, vsPort, method ?? KEEPALIVED_DEFAULTS.method, tunnel, timing, vhost);
      if (rs) svc.realServers.push(rs);
    }
    svc.schedulerFlags = SCHED_FLAGS.filter((f) => svc.schedulerFlags.includes(f));
    this.site.services.push(svc);
  }

  private method(n: ConfNode, where: string): { method: ForwardingMethod; tunnel?: SiteRealServer['tunnel'] } | undefined {
    const v = n.args.map((t) => t.text);
    const method = METHODS[v[0] ?? ''];
    if (!method) { this.lost(n, where, 'not NAT, DR or TUN'); return undefined; }
    if (method !== 'tun' || v.length === 1) return { method };
    const tunnel: NonNullable<SiteRealServer['tunnel']> = { type: 'ipip' };
    for (let i = 1; i < v.length; i++) {
      if (v[i] === 'type' && (v[i + 1] === 'ipip' || v[i + 1] === 'gue' || v[i + 1] === 'gre')) tunnel.type = v[++i] as TunnelType;
      else if (v[i] === 'port' && int(v[i + 1]) !== undefined) tunnel.port = int(v[++i]);
      else if (v[i] === 'nocsum' || v[i] === 'csum' || v[i] === 'remcsum') tunnel.checksum = v[i] as TunnelChecksum;
      else this.warn(n, `tunnel option "${v[i]}" is not imported`);
    }
    return { method, tunnel };
  }

  private realServer(b: ConfNode, svc: SiteService, vsPort: number, vsMethod: ForwardingMethod, vsTunnel: SiteRealServer['tunnel'],
    vsTiming: Timing, vhost: string | undefined): SiteRealServer | undefined {
    const a = b.args.map((t) => t.text);
    const where = `real_server ${a.join(' ')}`;
    const p = parseAddress(a[0] ?? '');
    if (!p) { this.lost(b, 'a virtual_server', 'not an address'); return undefined; }
    const timing: Timing = {};
    let weight: number = KEEPALIVED_DEFAULTS.weight;
    let method: ForwardingMethod | undefined;
    let tunnel: SiteRealServer['tunnel'];
    let upper = 0;
    let lower = 0;
    const checkers: ConfNode[] = [];
    for (const n of b.block?.children ?? []) {
      const v = n.args.map((t) => t.text);
      if (readTiming(n, timing)) continue;
      if (CHECKERS[n.keyword.text]) { checkers.push(n); continue; }
      switch (n.keyword.text) {
        case 'weight': { const w = int(v[0]); if (w !== undefined) weight = w; break; }
        case 'lvs_method': { const m = this.method(n, where); if (m) { method = m.method; tunnel = m.tunnel; } break; }
        case 'uthreshold': { const x = int(v[0]); if (x !== undefined) upper = x; break; }
        case 'lthreshold': { const x = int(v[0]); if (x !== undefined) lower = x; break; }
        default:
          if (UNSUPPORTED_CHECKERS.has(n.keyword.text)) this.lost(n, where, `${n.keyword.text} has no health check type in the cluster file (tcp, http, https, dns, smtp, misc)`);
          else if (/^notify_/.test(n.keyword.text)) this.lost(n, where, 'notify scripts are not part of the cluster file');
          else this.lost(n, where);
      }
    }
    const m = method ?? vsMethod;
    // keepalived: DR/TUN real servers of an address service get its port; NAT port 0 means the service's; fwmark non-NAT port 0.
    const given = int(a[1]) ?? 0;
    let port = given;
    if (m === 'nat') { if (svc.key.kind === 'addr' && given === 0) port = vsPort; }
    else if (svc.key.kind === 'fwmark') port = 0;
    else port = vsPort;
    if (port !== given && given !== 0) this.warn(b, `real server ${p.text} port ${given}: keepalived uses ${port} with ${m.toUpperCase()}, so does the import`);
    const rs: SiteRealServer = { address: p.text, family: p.family, port, weight, method: m, upperThreshold: upper, lowerThreshold: lower, at: this.at(b) };
    const t = method !== undefined ? tunnel : vsTunnel;
    if (m === 'tun' && t) rs.tunnel = t;
    checkers.forEach((c, i) => {
      if (i > 0) { this.lost(c, where, 'the cluster file holds one health check per real server; the first is imported'); return; }
      const check = readChecker(this, c, where, { ...vsTiming, ...timing }, vhost);
      if (check) rs.healthCheck = check;
    });
    return rs;
  }
}

/** What keepalived does with `parsed` (the text of `file`, includes read), with a warning for every statement it leaves out. */
export function readKeepalivedSite(parsed: ParsedConf, file: string): KeepalivedSite {
  return new SiteReader(parsed, file).read();
}
