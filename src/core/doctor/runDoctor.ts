/**
 * `lvsctl doctor`: checks every host of a cluster READ-ONLY, one exec per host (hostprep's state reader with
 * the firewall listings, TCP probes and ARP probes added), and turns what it sees into findings: tools and
 * modules, the preparation (hostprep's own decision: a non-empty plan is a finding), packet filter rules
 * dropping VIP:port, real servers not answering from the director, other hosts answering ARP for the VIP;
 * for a keepalived cluster also keepalived itself on every director (keepalivedDoctor.ts); for an active-active
 * cluster the BGP sessions, the exported VIPs and the directors' tables side by side (bgpDoctor.ts).
 */
import type { ClusterFile } from '../clusterFile/types';
import { runOnHosts } from '../ssh/runOnHosts';
import { arpProbes, arpVerdicts } from '../hostprep/arpCheck';
import { hostRequirements } from '../hostprep/hostRequirements';
import type { HostRequirements } from '../hostprep/hostRequirements';
import { planHost, prepareQuery } from '../hostprep/hostPlan';
import type { PlanOptions } from '../hostprep/hostPlan';
import { readStateCommand } from '../hostprep/hostState';
import type { HostState, StateQuery } from '../hostprep/hostState';
import type { HostRunner } from '../ssh/remoteCommand';
import { iptablesBlocking, nftBlocking } from './firewallRules';
import type { TrafficTarget } from './firewallRules';
import type { Finding } from './finding';
import { desiredTable } from '../clusterFile/desiredTable';
import { kernelInfoCommand, kernelProblems } from '../apply/kernelSupport';
import type { KernelInfo } from '../apply/kernelSupport';
import { keepalivedLiveCommand } from '../keepalived/keepalivedRemote';
import { keepalivedFindings, keepalivedProbeCommand } from './keepalivedDoctor';
import type { KeepalivedDirectorRead } from './keepalivedDoctor';
import { readAnnounceCluster } from '../bird/birdAnnounceStatus';
import { liveStateCommand } from '../apply/liveState';
import { announceFindings, schedulerFindings, tableFindings } from './bgpDoctor';

export interface DoctorOptions extends PlanOptions {
  concurrency?: number;
}

interface HostChecks {
  req: HostRequirements;
  targets: TrafficTarget[];
  /** TCP connects from a director: each real server's port, and (keepalived) a health check's own port. */
  probes: { address: string; port: number; host: string; check?: string }[];
  isDirector: boolean;
}

/** keepalived checkers that connect over TCP to their port (DNS_CHECK uses UDP, MISC_CHECK runs a script). */
const TCP_CHECKS = new Set(['tcp', 'http', 'https', 'smtp']);

/** Which traffic each host must accept, and which real servers each director must reach. */
export function doctorChecks(file: ClusterFile, clusterName: string): HostChecks[] {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`The cluster file has no cluster named "${clusterName}".`);
  const reqs = hostRequirements(file, clusterName);
  const directors = new Set(cluster.directors.map((d) => d.host));
  return reqs.map((req) => {
    const targets: TrafficTarget[] = [];
    const probes: HostChecks['probes'] = [];
    const add = (t: TrafficTarget): void => { if (!targets.some((x) => x.address === t.address && x.port === t.port && x.protocol === t.protocol)) targets.push(t); };
    for (const s of cluster.services) {
      const protocol = s.protocol ?? 'tcp';
      if (directors.has(req.host) && s.vip !== undefined) add({ address: s.vip, protocol, port: s.port });
      for (const rs of s.realServers) {
        const port = s.fwmark === undefined && rs.method !== 'nat' ? s.port : rs.port;
        if (rs.host === req.host) {
          if (rs.method === 'nat') add({ address: rs.address, protocol, port });
          else if (s.vip !== undefined) add({ address: s.vip, protocol, port });
        }
        if (directors.has(req.host) && protocol === 'tcp' && port !== 0 && !probes.some((p) => p.address === rs.address && p.port === port)) {
          probes.push({ address: rs.address, port, host: rs.host ?? rs.address });
        }
        const hc = cluster.engine === 'keepalived' ? rs.healthCheck : undefined;
        if (directors.has(req.host) && hc?.port !== undefined && TCP_CHECKS.has(hc.type) && !probes.some((p) => p.address === rs.address && p.port === hc.port)) {
          probes.push({ address: rs.address, port: hc.port, host: rs.host ?? rs.address, check: hc.type });
        }
      }
    }
    return { req, targets, probes, isDirector: directors.has(req.host) };
  });
}

export function doctorQuery(checks: HostChecks, file: ClusterFile, clusterName: string, options: PlanOptions): StateQuery {
  const base = prepareQuery(checks.req, options);
  return {
    ...base,
    listings: ['iptables', 'ip6tables', 'nft'],
    probes: checks.probes.map((p) => ({ address: p.address, port: p.port })),
    ...(checks.isDirector ? { modulesAvailable: ['ip_vs'], arp: arpProbes(file, clusterName).filter((p) => p.host === checks.req.host) } : {}),
  };
}

/**
 * Findings of one host from its state. Pure. `pairMacs`: MACs of the cluster's own directors (keepalived
 * clusters: the VRRP master answers ARP for the VIP, as it must), not reported as other hosts answering.
 */
export function hostFindings(checks: HostChecks, state: HostState, file: ClusterFile, clusterName: string, options: PlanOptions = {}, pairMacs: ReadonlySet<string> = new Set()): Finding[] {
  const host = checks.req.host;
  const out: Finding[] = [];
  if (checks.isDirector) {
    if (!state.tools.has('ipvsadm')) {
      out.push({ severity: 'error', host, code: 'no-ipvsadm', title: 'ipvsadm is not installed', why: 'lvsctl apply and every IPVS inspection use ipvsadm', fix: 'install it: apt-get install ipvsadm / dnf install ipvsadm' });
    }
    if (!state.modules.has('ip_vs') && state.modulesAvailable.get('ip_vs') === false) {
      out.push({ severity: 'error', host, code: 'no-ip-vs-module', title: 'the ip_vs kernel module is neither loaded nor available', why: 'IPVS is the kernel part of LVS: without it there is no virtual service', fix: 'install the kernel modules package of the running kernel (e.g. linux-modules-extra-$(uname -r)) or a kernel with CONFIG_IP_VS' });
    }
  }
  const plan = planHost(checks.req, state, options);
  for (const step of plan.steps) {
    if (step.status === 'done' || step.id === 'record') continue;
    const isFile = step.id.startsWith('file ') || step.id.startsWith('enable ') || step.id === 'persist vips';
    const kind = step.id.split(' ')[0];
    out.push({
      severity: step.status === 'manual' ? step.severity ?? 'error' : isFile ? 'warning' : kind === 'module' && checks.isDirector ? 'warning' : 'error',
      host, code: `prep-${kind}`, title: step.current !== undefined ? `${step.title}: ${step.current}` : step.title, why: step.why,
      fix: step.fix ?? (step.actions.length ? `lvsctl prepare (runs: ${step.actions.map((a) => a.description).join('; ')})` : 'lvsctl prepare'),
    });
  }
  const ipt = state.listings.get('iptables') ?? '';
  const ip6t = state.listings.get('ip6tables') ?? '';
  const nft = state.listings.get('nft') ?? '';
  const canSee = state.tools.has('iptables-save') || state.tools.has('nft');
  if (!canSee && checks.targets.length) {
    out.push({ severity: 'info', host, code: 'firewall-unchecked', title: 'packet filter not checked: neither iptables-save nor nft is installed', why: 'rules dropping VIP traffic cannot be seen', fix: 'install iptables or nftables to let doctor read the rules' });
  }
  for (const t of checks.targets) {
    const v6 = t.address.includes(':');
    const blocking = [...iptablesBlocking(v6 ? ip6t : ipt, t, v6 ? 'ip6tables' : 'iptables'), ...nftBlocking(nft, t)];
    for (const b of blocking) {
      out.push({
        severity: b.certain ? 'error' : 'warning', host, code: 'firewall-drop',
        title: `${b.source} ${b.chain} ${b.certain ? 'drops' : 'may drop'} ${t.protocol} to ${t.address}${t.port ? `:${t.port}` : ''} (${b.verdict}): ${b.rule}`,
        why: 'clients\' packets for the service reach this host and are discarded, so connections hang or are refused',
        fix: `delete the rule or accept ${t.protocol} ${t.address}${t.port ? ` port ${t.port}` : ''} before it (${b.source === 'nft' ? 'nft insert rule …' : `${b.source} -I … -j ACCEPT`})`,
      });
    }
  }
  for (const p of checks.probes) {
    if (state.probes.get(`${p.address} ${p.port}`) === false && p.check !== undefined) {
      out.push({ severity: 'error', host: p.host, code: 'rs-check-port-closed', title: `the ${p.check} health check's port ${p.address}:${p.port} does not accept TCP connections from director ${host}`,
        why: 'keepalived\'s check of this real server connects there: it fails, and keepalived holds the server out of the table even if its service answers',
        fix: `start what listens on port ${p.port} of ${p.host} (or open it in its firewall), or change healthCheck.port in the cluster file` });
    } else if (state.probes.get(`${p.address} ${p.port}`) === false) {
      out.push({ severity: 'error', host: p.host, code: 'rs-not-listening', title: `${p.address}:${p.port} does not accept TCP connections from director ${host}`, why: 'IPVS keeps scheduling clients to it; their connections fail', fix: `start the service on ${p.host} (listening on 0.0.0.0:${p.port} or the VIP), check its firewall, or set its weight to 0` });
    }
  }
  if (checks.isDirector) {
    for (const v of arpVerdicts(arpProbes(file, clusterName).filter((p) => p.host === host), state)) {
      const strays = v.kind === 'others-answer' ? v.macs.filter((m) => !pairMacs.has(m)) : [];
      if (v.kind === 'others-answer' && strays.length) {
        out.push({ severity: 'error', host, code: 'arp-other-answers', title: `ARP for VIP ${v.vip} is also answered by ${strays.join(', ')}`, why: 'clients and the router may send VIP traffic straight to that host, bypassing the director (or the VIP flaps between MACs)', fix: 'on the host with that MAC: remove the VIP from its LAN interface, set arp_ignore=1 / arp_announce=2 (lvsctl prepare does it for real servers)' });
      } else if (v.kind === 'no-tool') {
        out.push({ severity: 'info', host, code: 'arp-unchecked', title: `ARP answers for ${v.vip} not checked: no arping on ${host}`, why: 'another host answering ARP for the VIP steals its traffic', fix: 'install iputils-arping (or busybox)' });
      }
    }
  }
  return out;
}

/** Runs the doctor on every host of the cluster; a host that cannot be read is itself an error finding. */
export async function runDoctor(run: HostRunner, file: ClusterFile, clusterName: string, options: DoctorOptions = {}): Promise<Finding[]> {
  const checks = doctorChecks(file, clusterName);
  const concurrency = options.concurrency !== undefined ? { concurrency: options.concurrency } : {};
  const unreachable = (host: string, err: Error): Finding => ({
    severity: 'error', host, code: 'unreachable', title: `cannot inspect ${host}: ${err.message}`,
    why: 'nothing on this host could be checked', fix: 'check the ssh settings of the host (lvsctl doctor uses the same as prepare/apply)',
  });
  // engine keepalived: keepalived's side of every director first (its MACs tell the ARP check who may answer).
  const cluster = file.clusters.find((c) => c.name === clusterName);
  const kaReads: KeepalivedDirectorRead[] = [];
  const kaUnread = new Map<string, Error>();
  if (cluster?.engine === 'keepalived') {
    const reads = await runOnHosts(cluster.directors.map((d) => d.host), async (host) => ({
      host, live: await run(host, keepalivedLiveCommand()), probe: await run(host, keepalivedProbeCommand()),
    }), concurrency);
    for (const o of reads) {
      if (o.ok) kaReads.push(o.value);
      else kaUnread.set(o.host, o.error);
    }
  }
  const pairMacs = new Set(kaReads.flatMap((r) => r.probe.macs));
  const outcomes = await runOnHosts(checks.map((c) => c.req.host), async (host) => {
    const c = checks.find((x) => x.req.host === host);
    if (!c) return [];
    const state = await run(host, readStateCommand(doctorQuery(c, file, clusterName, options)));
    const findings = hostFindings(c, state, file, clusterName, options, pairMacs);
    return c.isDirector ? [...findings, ...kernelFindings(host, await run(host, kernelInfoCommand()), file, clusterName)] : findings;
  }, concurrency);
  const findings = outcomes.flatMap((o): Finding[] => o.ok ? o.value : [unreachable(o.host, o.error)]);
  // A director unreachable for both reads is reported once.
  for (const [host, err] of kaUnread) if (!findings.some((f) => f.host === host && f.code === 'unreachable')) findings.push(unreachable(host, err));
  return [...findings, ...keepalivedFindings(file, clusterName, kaReads), ...(cluster ? await activeActiveFindings(run, file, cluster, findings) : [])];
}

/** BGP and the directors' tables of an active-active cluster (two more execs per reachable director). */
async function activeActiveFindings(run: HostRunner, file: ClusterFile, cluster: ClusterFile['clusters'][number], found: readonly Finding[]): Promise<Finding[]> {
  if (cluster.mode !== 'active-active' || !cluster.bgp) return [];
  const desired = desiredTable(file, cluster.name);
  const unreachable = new Set(found.filter((f) => f.code === 'unreachable').map((f) => f.host));
  const reachable = { ...cluster, directors: cluster.directors.filter((d) => !unreachable.has(d.host)) };
  const announce = await readAnnounceCluster(run, reachable);
  const tables = await runOnHosts(reachable.directors.map((d) => d.host), async (host) => ({ host, table: (await run(host, liveStateCommand(cluster.name))).table }));
  return [...announceFindings(announce), ...tableFindings(cluster, desired, tables.flatMap((t) => t.ok ? [t.value] : [])), ...schedulerFindings(cluster, desired)];
}

/** The services of the cluster a director's kernel cannot hold (the same check as plan/apply). Pure. */
export function kernelFindings(host: string, kernel: KernelInfo, file: ClusterFile, clusterName: string): Finding[] {
  return kernelProblems(desiredTable(file, clusterName), kernel).map((k) => ({
    severity: 'error', host, code: k.code, title: k.message,
    why: 'the kernel refuses the service ("Scheduler or persistence engine not found" or similar): lvsctl plan reports it and apply refuses this director',
    fix: 'choose what this kernel has (another scheduler, tunnel type or family), or run a kernel that has it',
  }));
}
