/**
 * Directors' and hosts' facts → an ImportDraft. One cluster per set of directors that hold the same
 * services (a service held identically by two directors goes into their shared cluster; one that differs
 * is imported once per director set). Directors get the interface and label their VIPs are on and the
 * address beside them (CIDR form, for the DR same-subnet rule); real servers whose address belongs to a
 * `--host` machine reference that host, the others are written as addresses with a comment. What the
 * file cannot hold (addresses that are no VIP, a second label, a VIP's prefix, differing sysctls) becomes
 * a comment and a warning.
 */
import type { SshSettings } from '../clusterFile/types';
import type { HostAddress } from '../hostprep/hostState';
import { sortServices } from '../ipvs/ipvsOrder';
import type { AddressFamily, IpvsRealServer, IpvsService } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { MachineFacts } from './importFacts';
import { clusterNameFor, serviceNameFor } from './importNames';
import type { DraftCluster, DraftDirector, DraftHost, ImportDraft } from './importDraft';
import { emptyDraft } from './importDraft';
import { importSysctls } from './importSysctls';
import { serviceDraft } from './serviceDraft';
import type { RealServerReference } from './serviceDraft';
import { ipvsServiceLabel } from './serviceLabel';

export interface ImportedMachine {
  /** The host's name in the file. */
  name: string;
  /** Its `ssh:` settings, and comments about them. */
  ssh: SshSettings;
  sshComments: string[];
  facts: MachineFacts;
}

export interface FactsImport {
  directors: ImportedMachine[];
  hosts: ImportedMachine[];
  header: string[];
}

/** The kernel's connection timeouts (IP_VS_TCP_ESTABLISHED, FIN_WAIT, UDP), as `ipvsadm -L --timeout` shows them on a fresh director. */
const KERNEL_TIMEOUTS = { tcp: 900, tcpFin: 120, udp: 300 } as const;
const hostPrefix = (family: AddressFamily): number => (family === 'inet' ? 32 : 128);
const isLinkLocal = (a: HostAddress): boolean => a.family === 'inet6' && /^fe[89ab]/i.test(a.address);
const isLoopback = (a: HostAddress): boolean => a.address === '::1' || a.address.startsWith('127.');
const addrText = (a: HostAddress): string => `${a.address}/${a.prefix} on ${a.dev}${a.label !== undefined && a.label !== a.dev ? ` (label ${a.label})` : ''}`;

/** A service with everything the kernel holds, as text: two directors hold "the same" service when equal. */
function signature(s: IpvsService): string {
  const servers = [...s.realServers].sort((a, b) => realServerKeyString(a).localeCompare(realServerKeyString(b)));
  return JSON.stringify({ ...s, realServers: servers });
}

function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let n = 0;
  for (const [v, c] of counts) if (c > n) { best = v; n = c; }
  return best;
}

interface DirectorChoice {
  dev?: string;
  label?: string;
  comments: string[];
}

class FactsDrafter {
  readonly draft: ImportDraft;
  private readonly allVips = new Set<string>();
  /** real-server address → the --host entry it is an address of. */
  private readonly hostOfAddress = new Map<string, DraftHost>();
  private readonly directorHosts = new Map<string, DraftHost>();
  private readonly noted = new Set<string>();

  constructor(private readonly input: FactsImport) {
    this.draft = emptyDraft(input.header);
    for (const d of input.directors) for (const s of d.facts.table?.services ?? []) if (s.key.kind === 'addr') this.allVips.add(s.key.address);
  }

  private warn(text: string): string { if (!this.draft.warnings.includes(text)) this.draft.warnings.push(text); return text; }
  private note(text: string): string { if (!this.draft.notes.includes(text)) this.draft.notes.push(text); return text; }

  build(): ImportDraft {
    const realServerAddresses = new Set<string>();
    for (const d of this.input.directors) for (const s of d.facts.table?.services ?? []) for (const rs of s.realServers) realServerAddresses.add(rs.address);
    for (const d of this.input.directors) {
      const host: DraftHost = { name: d.name, addresses: [], ssh: d.ssh, comments: [...d.sshComments] };
      this.directorHosts.set(d.name, host);
      this.draft.hosts.push(host);
    }
    for (const h of this.input.hosts) this.draft.hosts.push(this.realServerHost(h, realServerAddresses));

    const groups = new Map<string, { service: IpvsService; directors: string[] }>();
    for (const d of this.input.directors) {
      const services = d.facts.table?.services ?? [];
      if (services.length === 0) this.directorHosts.get(d.name)?.comments.push(this.note(`${d.name} holds no IPVS service: it is in no cluster`));
      for (const s of services) {
        const sig = signature(s);
        const g = groups.get(sig) ?? { service: s, directors: [] };
        g.directors.push(d.name);
        groups.set(sig, g);
      }
    }
    const bySet = new Map<string, { directors: string[]; services: IpvsService[] }>();
    for (const g of groups.values()) {
      const k = g.directors.join('\0');
      const c = bySet.get(k) ?? { directors: g.directors, services: [] };
      c.services.push(g.service);
      bySet.set(k, c);
    }
    this.noteDifferingServices(groups);
    const clusterNames = new Set<string>();
    for (const c of bySet.values()) this.draft.clusters.push(this.cluster(clusterNameFor(c.directors, clusterNames), c.directors, sortServices(c.services)));
    for (const d of this.input.directors) this.finishDirectorHost(d);
    return this.draft;
  }

  private noteDifferingServices(groups: Map<string, { service: IpvsService; directors: string[] }>): void {
    const byKey = new Map<string, { service: IpvsService; sets: string[][] }>();
    for (const g of groups.values()) {
      const k = serviceKeyString(g.service.key);
      const entry = byKey.get(k) ?? { service: g.service, sets: [] };
      entry.sets.push(g.directors);
      byKey.set(k, entry);
    }
    for (const { service, sets } of byKey.values()) {
      if (sets.length < 2) continue;
      this.note(`service ${ipvsServiceLabel(service)} differs between directors ${sets.map((s) => s.join('+')).join(' and ')}: imported once per director set`);
    }
  }

  private machine(name: string): ImportedMachine | undefined {
    return this.input.directors.find((d) => d.name === name) ?? this.input.hosts.find((h) => h.name === name);
  }

  private realServerHost(h: ImportedMachine, realServerAddresses: Set<string>): DraftHost {
    const own = h.facts.state.addresses.filter((a) => !isLinkLocal(a) && !isLoopback(a) && !this.allVips.has(a.address));
    const used = [...own.filter((a) => a.family === 'inet'), ...own.filter((a) => a.family === 'inet6')]
      .filter((a, i, all) => realServerAddresses.has(a.address) && all.findIndex((b) => b.address === a.address) === i);
    const host: DraftHost = { name: h.name, addresses: used.map((a) => a.address), ssh: h.ssh, comments: [...h.sshComments] };
    for (const a of used) if (!this.hostOfAddress.has(a.address)) this.hostOfAddress.set(a.address, host);
    const first = used[0];
    if (!first) {
      host.comments.push(this.note(`${h.name} (${own.map((a) => a.address).join(', ') || 'no address'}) is no real server of the imported tables`));
      return host;
    }
    host.interface = first.dev;
    return host;
  }

  /** Decides the interface of a real-server host from its ARP sysctls, once its methods are known. */
  private arpInterface(host: DraftHost, usesArp: boolean): void {
    const m = this.machine(host.name);
    if (!m || host.interface === undefined || !usesArp) return;
    const get = (dev: string, key: string): string | undefined => m.facts.state.sysctls.get(`/proc/sys/net/ipv4/conf/${dev}/${key}`);
    const dev = host.interface;
    const devOk = get(dev, 'arp_ignore') === '1' && get(dev, 'arp_announce') === '2';
    const allOk = get('all', 'arp_ignore') === '1' && get('all', 'arp_announce') === '2';
    if (allOk && !devOk) {
      delete host.interface;
      host.comments.push(`arp_ignore=1 / arp_announce=2 are set on "all" only (the kernel uses the larger of all and ${dev}): no interface, so prepare keeps it that way`);
    }
  }

  private reference(rs: IpvsRealServer, service: IpvsService): RealServerReference {
    const host = this.hostOfAddress.get(rs.address);
    if (!host) {
      const text = `${rs.address} was not given as --host: method from the table, its host preparation unknown`;
      if (!this.noted.has(rs.address)) { this.noted.add(rs.address); this.note(text); }
      return { comments: [text] };
    }
    const family = (a: string): AddressFamily => (a.includes(':') ? 'inet6' : 'inet');
    const resolved = host.addresses.find((a) => family(a) === service.key.family) ?? (rs.method === 'tun' ? host.addresses[0] : undefined);
    if (resolved !== rs.address) {
      return { comments: [`${rs.address} is an address of ${host.name}; written as an address because "host: ${host.name}" would mean ${resolved ?? 'no address'} here`] };
    }
    return { host: host.name, comments: [] };
  }

  private cluster(name: string, directors: string[], services: IpvsService[]): DraftCluster {
    const cluster: DraftCluster = { name, directors: [], sysctls: {}, sysctlComments: [], services: [], comments: [] };
    for (const d of directors) cluster.directors.push(this.director(d, services));
    const first = this.machine(directors[0]);
    const sys = importSysctls(first?.facts.ipvsSysctls ?? {}, directors[0]);
    cluster.sysctls = sys.sysctls;
    cluster.sysctlComments = [...sys.comments];
    for (const w of sys.warnings) this.warn(w);
    for (const d of directors.slice(1)) {
      const other = importSysctls(this.machine(d)?.facts.ipvsSysctls ?? {}, d);
      if (JSON.stringify(other.sysctls) !== JSON.stringify(sys.sysctls)) {
        const text = `the IPVS sysctls of ${d} differ from ${directors[0]}'s (${JSON.stringify(other.sysctls)}): the file holds ${directors[0]}'s, plan and apply would change ${d}`;
        cluster.sysctlComments.push(this.warn(text));
      }
    }
    const taken = new Set<string>();
    for (const s of services) cluster.services.push(serviceDraft(s, serviceNameFor(s, taken), (rs, svc) => this.reference(rs, svc)));
    for (const host of this.draft.hosts) {
      if (this.directorHosts.has(host.name)) continue;
      const arp = services.some((s) => s.key.family === 'inet' && s.key.kind === 'addr' && s.realServers.some((rs) => rs.method !== 'nat' && this.hostOfAddress.get(rs.address) === host));
      this.arpInterface(host, arp);
    }
    return cluster;
  }

  private director(name: string, services: IpvsService[]): DraftDirector {
    const m = this.machine(name);
    const out: DraftDirector = { host: name, comments: [] };
    if (!m) return out;
    const choice = this.directorChoice(m, services);
    if (choice.dev !== undefined) out.interface = choice.dev;
    if (choice.label !== undefined) out.vipLabel = choice.label;
    out.comments.push(...choice.comments);
    return out;
  }

  private directorChoice(m: ImportedMachine, services: IpvsService[]): DirectorChoice {
    const addrs = m.facts.state.addresses;
    const vips = [...new Set(services.flatMap((s) => (s.key.kind === 'addr' ? [s.key.address] : [])))];
    const held = vips.flatMap((v) => addrs.filter((a) => a.address === v));
    const comments: string[] = [];
    const dev = mostCommon(held.map((a) => a.dev)) ?? m.facts.state.routes.get('192.0.2.1')?.dev ?? addrs.find((a) => a.dev !== 'lo' && a.family === 'inet')?.dev;
    for (const v of vips) {
      const here = addrs.filter((a) => a.address === v);
      if (here.length === 0) comments.push(this.warn(`VIP ${v} is not on ${m.name} (a standby director, or the VIP is managed elsewhere, e.g. by keepalived): lvsctl prepare would add it on ${dev ?? 'the interface'}`));
      for (const a of here) {
        if (a.dev !== dev) comments.push(this.warn(`VIP ${v} is on ${a.dev} of ${m.name}, the file puts the VIPs on ${dev ?? '?'}: prepare would report it`));
        else if (a.prefix !== hostPrefix(a.family)) comments.push(this.warn(`VIP ${addrText(a)} of ${m.name}: the file holds no prefix (prepare wants /${hostPrefix(a.family)} and reports the /${a.prefix} for a manual fix; nothing is changed silently)`));
      }
    }
    const onDev4 = held.filter((a) => a.dev === dev && a.family === 'inet');
    const labelOf = (a: HostAddress): string => (a.label !== undefined && a.label !== a.dev ? a.label : '');
    const label = mostCommon(onDev4.map(labelOf));
    for (const a of onDev4) {
      if (labelOf(a) !== (label ?? '')) comments.push(this.warn(`VIP ${addrText(a)} of ${m.name}: one label per director (${label ? label : 'none'}) in the file; this one's is not kept`));
    }
    const choice: DirectorChoice = { comments };
    if (dev !== undefined) choice.dev = dev;
    if (label) choice.label = label;
    return choice;
  }

  private finishDirectorHost(d: ImportedMachine): void {
    const host = this.directorHosts.get(d.name);
    if (!host) return;
    const dev = this.draft.clusters.flatMap((c) => c.directors).find((x) => x.host === d.name)?.interface
      ?? d.facts.state.routes.get('192.0.2.1')?.dev;
    const addrs = d.facts.state.addresses;
    const candidates = addrs.filter((a) => a.dev === dev && !this.allVips.has(a.address) && !isLinkLocal(a));
    // The subnet address of each family (ip lists newer IPv6 addresses first: a /128 beside it is an extra).
    const pick = (family: AddressFamily): HostAddress | undefined => {
      const of = candidates.filter((a) => a.family === family);
      return of.find((a) => a.prefix < hostPrefix(family)) ?? of[0];
    };
    const chosen = [pick('inet'), pick('inet6')].filter((a): a is HostAddress => a !== undefined);
    host.addresses = chosen.map((a) => `${a.address}/${a.prefix}`);
    const t = d.facts.timeouts;
    if (t && (t.tcp !== KERNEL_TIMEOUTS.tcp || t.tcpFin !== KERNEL_TIMEOUTS.tcpFin || t.udp !== KERNEL_TIMEOUTS.udp)) {
      host.comments.push(this.warn(`${d.name}'s connection timeouts are tcp ${t.tcp} s, tcpfin ${t.tcpFin} s, udp ${t.udp} s (kernel defaults ${KERNEL_TIMEOUTS.tcp} ${KERNEL_TIMEOUTS.tcpFin} ${KERNEL_TIMEOUTS.udp}): not part of a cluster file; keep them with ipvsadm --set ${t.tcp} ${t.tcpFin} ${t.udp}`));
    }
    for (const sd of d.facts.daemons ?? []) {
      const extra = Object.entries(sd.settings).map(([k, v]) => `, ${k}=${v}`).join('');
      host.comments.push(this.warn(`${d.name} runs a ${sd.state} connection sync daemon (mcast=${sd.mcastInterface}, syncid=${sd.syncId}${extra}): not part of a cluster file; keep it with ipvsadm --start-daemon ${sd.state} --mcast-interface ${sd.mcastInterface} --syncid ${sd.syncId}`));
    }
    if (dev !== undefined) host.interface = dev;
    for (const a of addrs) {
      // Only the VIP interface and lo are about LVS; other interfaces (management, storage) are not.
      if ((a.dev !== dev && a.dev !== 'lo') || chosen.includes(a) || this.allVips.has(a.address) || isLinkLocal(a) || isLoopback(a)) continue;
      host.comments.push(this.warn(`${d.name} also holds ${addrText(a)}, no VIP of an imported service: not in the file`));
    }
  }
}

export function draftFromFacts(input: FactsImport): ImportDraft {
  return new FactsDrafter(input).build();
}
