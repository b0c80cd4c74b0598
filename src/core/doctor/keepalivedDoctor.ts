/**
 * The doctor's checks of a cluster with `engine: keepalived` (read-only, two execs per director: the state the
 * keepalived engine plans from, and `keepalived -t` of the live file with the interfaces' MACs): keepalived
 * installed, configured (by lvsctl, for this cluster and director, as the cluster file renders it), its
 * configuration accepted by its own checker, running; the IPVS table it built; each VIP held by exactly one
 * director (none: nobody serves; two: split brain). The MACs let the ARP check tell the pair's own master
 * (which must answer for the VIP) from a stray host. The live files themselves (hand-written or edited ones
 * included) are read for keepalived's known pitfalls: `vrrp_strict` without `accept` (the master drops what
 * is sent to its VIPs), equal priorities in one VRRP instance, the connection-sync daemon on one side only.
 */
import { clusterVips } from '../clusterFile/clusterVips';
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import { splitSections } from '../apply/liveState';
import { compareKeepalivedTable, vipHolders } from '../keepalived/applyKeepalivedCluster';
import { managedHeader } from '../keepalived/keepalivedHeader';
import { normaliseConf } from '../keepalived/keepalivedPlan';
import type { KeepalivedLive } from '../keepalived/keepalivedRemote';
import { confCheckMeaning, KEEPALIVED_CONF } from '../keepalived/keepalivedRemote';
import { renderKeepalivedConf } from '../keepalived/renderKeepalivedConf';
import { parseConf } from '../keepalivedConf/confParser';
import { neededVersion, parseKeepalivedVersion } from '../keepalivedConf/neededVersion';
import { compareVersions, sinceText } from '../keepalivedConf/keywords';
import type { ConfNode } from '../keepalivedConf/confParser';
import type { RemoteCommand } from '../ssh/remoteCommand';
import type { Finding } from './finding';

/** `keepalived -t` of the live file (undefined: not run, no binary or no file), the release, every interface's MAC. */
export interface KeepalivedProbe {
  check?: { exitCode: number; output: string };
  /** From `keepalived --version`; undefined when not installed or not recognised. */
  version?: string;
  macs: string[];
}

const PROBE_SCRIPT = [
  'm=@@lvsctl-section',
  'sec() { printf "%s %s\\n" "$m" "$1"; }',
  `sec check; if command -v keepalived >/dev/null 2>&1 && [ -s ${KEEPALIVED_CONF} ]; then keepalived -t -f ${KEEPALIVED_CONF} 2>&1; echo "exit $?"; else echo skipped; fi`,
  'sec version; command -v keepalived >/dev/null 2>&1 && keepalived --version 2>&1 | head -n 1',
  'sec macs; for f in /sys/class/net/*/address; do cat "$f"; done',
  'sec end',
].join('\n');

export function parseKeepalivedProbe(stdout: string): KeepalivedProbe {
  const s = splitSections(stdout);
  const check = (s.get('check')?.text ?? 'skipped\n').replace(/\n$/, '');
  const macs = [...new Set((s.get('macs')?.text ?? '').split('\n').map((l) => l.trim().toLowerCase())
    .filter((l) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(l) && l !== '00:00:00:00:00:00'))].sort();
  const probe: KeepalivedProbe = { macs };
  const version = parseKeepalivedVersion(s.get('version')?.text ?? '');
  if (version !== undefined) probe.version = version;
  const exit = /(?:^|\n)exit (\d+)$/.exec(check);
  if (exit) probe.check = { exitCode: Number(exit[1]), output: check.slice(0, exit.index).trim() };
  return probe;
}

export function keepalivedProbeCommand(): RemoteCommand<KeepalivedProbe> {
  return { argv: ['sh', '-c', PROBE_SCRIPT], timeoutMs: 60_000, parse: (o) => parseKeepalivedProbe(o.stdout) };
}

/** What the doctor read on one director of a keepalived cluster. */
export interface KeepalivedDirectorRead {
  host: string;
  live: KeepalivedLive;
  probe: KeepalivedProbe;
}

/** A keepalived.conf without its comment lines and blanks at line ends (the header names the source file). */
function withoutComments(text: string): string {
  return normaliseConf(text.split('\n').filter((l) => !/^\s*[#!]/.test(l)).join('\n'));
}

function directorFindings(file: ClusterFile, cluster: ClusterSpec, r: KeepalivedDirectorRead): Finding[] {
  const host = r.host;
  const out: Finding[] = [];
  if (r.live.binary === undefined) {
    out.push({ severity: 'error', host, code: 'keepalived-missing', title: 'keepalived is not installed',
      why: `cluster ${cluster.name} has engine keepalived: keepalived holds its VIPs and builds its IPVS table on every director`,
      fix: 'apt-get install keepalived (Debian/Ubuntu) or dnf install keepalived (RHEL), then lvsctl apply' });
    return out;
  }
  const rendered = renderKeepalivedConf({ model: file, cluster: cluster.name, director: host, sourceLabel: 'cluster file' });
  const needed = neededVersion(rendered);
  if (r.probe.version !== undefined && compareVersions(r.probe.version, needed.version) < 0) {
    out.push({ severity: 'error', host, code: 'keepalived-too-old', title: `keepalived ${r.probe.version} is older than the configuration needs (${needed.keyword ?? 'its keywords'}: ${sinceText(needed.version)})`,
      why: 'keepalived reports the newer keywords as unknown and ignores them: the pair would run without them',
      fix: `install keepalived ${needed.version} or later (Debian 12 ships 2.2.7), or leave out what needs it in the cluster file` });
  }
  if (r.live.conf === undefined) {
    out.push({ severity: 'error', host, code: 'keepalived-no-conf', title: `${KEEPALIVED_CONF} does not exist`,
      why: 'keepalived has nothing to run: no VRRP instance, no virtual server', fix: 'lvsctl apply (it writes the file rendered from the cluster file, checks it, and starts keepalived)' });
  } else {
    const header = managedHeader(r.live.conf);
    if (!header || header.cluster !== cluster.name || header.director !== host) {
      out.push({ severity: 'warning', host, code: 'keepalived-conf-foreign',
        title: `${KEEPALIVED_CONF} is ${header ? `lvsctl's for cluster ${header.cluster}, director ${header.director}` : 'hand-written (no lvsctl header)'}`,
        why: 'what keepalived runs here is not what the cluster file says; lvsctl apply refuses to replace it silently',
        fix: `compare with lvsctl plan; adopt the file with lvsctl import --keepalived, or replace it with lvsctl apply --take-over` });
    } else if (withoutComments(r.live.conf) !== withoutComments(rendered)) {
      out.push({ severity: 'warning', host, code: 'keepalived-conf-drift', title: `${KEEPALIVED_CONF} differs from the one the cluster file renders`,
        why: 'the cluster file changed since the last apply, or the file was edited on the director', fix: 'lvsctl plan shows the difference; lvsctl apply installs the file\'s version' });
    }
    if (r.probe.check && r.probe.check.exitCode !== 0) {
      const first = r.probe.check.output.split('\n').filter((l) => l.trim()).slice(0, 3).join(' | ');
      out.push({ severity: 'error', host, code: 'keepalived-conf-invalid',
        title: `keepalived -t refuses ${KEEPALIVED_CONF} (exit ${r.probe.check.exitCode}: ${confCheckMeaning(r.probe.check.exitCode)})${first ? `: ${first}` : ''}`,
        why: 'keepalived ignores what it cannot parse, or does not start with this file after a restart',
        fix: 'lvsctl apply writes a file that passes keepalived -t (it checks before it swaps)' });
    }
  }
  if (r.live.pid === undefined) {
    out.push({ severity: 'error', host, code: 'keepalived-not-running', title: 'keepalived is not running',
      why: 'this director neither holds the VIPs when it should nor checks the real servers; if it is the master, the VIPs are down',
      fix: r.live.systemd ? 'systemctl start keepalived (journalctl -u keepalived says why it stopped)' : 'lvsctl apply starts it (or keepalived -f /etc/keepalived/keepalived.conf)' });
    return out;
  }
  const { problems, down } = compareKeepalivedTable(cluster, r.live.table);
  if (problems.length) {
    out.push({ severity: 'warning', host, code: 'keepalived-table', title: `the IPVS table is not the one keepalived builds from the file: ${problems.join('; ')}`,
      why: 'another writer changed keepalived\'s services (keepalived does not restore them), or keepalived runs another configuration',
      fix: 'do not change keepalived\'s services with ipvsadm; lvsctl apply reloads keepalived, which programs the table again' });
  }
  if (down.length) {
    out.push({ severity: 'warning', host, code: 'rs-check-failing', title: `keepalived's checks hold out: ${down.join(', ')}`,
      why: 'their health check fails from this director, so they get no new connections', fix: 'see why the check fails: the service on the real server, its port, the check\'s path and expected status' });
  }
  return out;
}

/** What the pitfall checks need of one live keepalived.conf (includes are not followed). */
interface ConfFacts {
  strict: boolean;
  syncDaemon: boolean;
  /** Per VRRP instance: its name, virtual_router_id, priority (keepalived's default 100) and `accept`. */
  instances: { name: string; vrid?: string; priority: number; accept: boolean }[];
}

function confFacts(text: string): ConfFacts {
  const nodes = parseConf(text).nodes;
  const children = (n: ConfNode) => n.block?.children ?? [];
  const has = (n: ConfNode, keyword: string) => children(n).some((c) => c.keyword.text === keyword);
  const value = (n: ConfNode, keyword: string) => children(n).find((c) => c.keyword.text === keyword)?.args[0]?.text;
  const globals = nodes.filter((n) => n.keyword.text === 'global_defs');
  const instances = nodes.filter((n) => n.keyword.text === 'vrrp_instance');
  return {
    strict: globals.some((g) => has(g, 'vrrp_strict')),
    syncDaemon: globals.some((g) => has(g, 'lvs_sync_daemon')) || instances.some((i) => has(i, 'lvs_sync_daemon_interface')),
    instances: instances.map((i) => {
      const prio = Number(value(i, 'priority'));
      return { name: i.args[0]?.text ?? '', vrid: value(i, 'virtual_router_id'), priority: Number.isInteger(prio) ? prio : 100, accept: has(i, 'accept') && !has(i, 'no_accept') };
    }),
  };
}

/** keepalived's pitfalls in the directors' live files (those read with a file). */
function pitfallFindings(reads: readonly KeepalivedDirectorRead[]): Finding[] {
  const out: Finding[] = [];
  const facts = reads.filter((r) => r.live.conf !== undefined).map((r) => ({ host: r.host, f: confFacts(r.live.conf ?? '') }));
  for (const { host, f } of facts) {
    const closed = f.strict ? f.instances.filter((i) => !i.accept).map((i) => i.name) : [];
    if (closed.length) {
      out.push({ severity: 'error', host, code: 'keepalived-strict-no-accept', title: `vrrp_strict without accept in ${closed.map((n) => `vrrp_instance ${n}`).join(', ')}`,
        why: 'in strict mode keepalived turns accept mode off unless the instance says `accept`, and installs firewall rules on the master that drop every packet sent to its VIPs: IPVS never sees the clients\' requests',
        fix: 'add `accept` to each vrrp_instance (vrrp.accept: true in the cluster file), or remove vrrp_strict; after removing it, restart keepalived (a reload may leave its firewall rules behind)' });
    }
  }
  // The same instance (by virtual_router_id) on several directors with one priority.
  const byVrid = new Map<string, { host: string; priority: number }[]>();
  for (const { host, f } of facts) for (const i of f.instances) if (i.vrid !== undefined) byVrid.set(i.vrid, [...(byVrid.get(i.vrid) ?? []), { host, priority: i.priority }]);
  for (const [vrid, list] of byVrid) {
    const prios = new Map<number, string[]>();
    for (const x of list) prios.set(x.priority, [...(prios.get(x.priority) ?? []), x.host]);
    for (const [priority, hosts] of prios) {
      if (hosts.length < 2) continue;
      out.push({ severity: 'warning', host: hosts.join(', '), code: 'vrrp-equal-priority', title: `virtual_router_id ${vrid}: ${hosts.join(' and ')} both have priority ${priority}`,
        why: 'VRRP then elects the director with the higher primary IP address, not the one the file lists first, and a restarted director takes the VIP back or not depending on addresses',
        fix: 'give each director its own priority (the cluster file derives 150, 140, … from the order of directors)' });
    }
  }
  const withSync = facts.filter((x) => x.f.syncDaemon).map((x) => x.host);
  if (withSync.length > 0 && withSync.length < facts.length) {
    const without = facts.filter((x) => !x.f.syncDaemon).map((x) => x.host);
    out.push({ severity: 'warning', host: without.join(', '), code: 'lvs-sync-one-side', title: `lvs_sync_daemon is configured on ${withSync.join(', ')} but not on ${without.join(', ')}`,
      why: 'the kernel\'s connection sync needs a master daemon on the VIP holder and a backup daemon on the others: a failover to a director without it loses every established connection',
      fix: 'configure it on every director (vrrp.syncConnections: true in the cluster file), then lvsctl apply' });
  }
  return out;
}

/** The findings of a keepalived cluster from every director's read (pure). Unread directors are left out. */
export function keepalivedFindings(file: ClusterFile, clusterName: string, reads: readonly KeepalivedDirectorRead[]): Finding[] {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster || cluster.engine !== 'keepalived') return [];
  const out = [...reads.flatMap((r) => directorFindings(file, cluster, r)), ...pitfallFindings(reads)];
  // Who holds the VIPs needs every director.
  if (reads.length !== cluster.directors.length || reads.length === 0) return out;
  const { holders, partial } = vipHolders(cluster, new Map(reads.map((r) => [r.host, r.live])));
  const all = cluster.directors.map((d) => d.host).join(', ');
  const vips = clusterVips(cluster).join(', ');
  if (holders.length > 1) {
    out.push({ severity: 'error', host: all, code: 'vip-split-brain', title: `${vips} held by ${holders.join(' and ')} at once`,
      why: 'each believes it is the VRRP master: their adverts do not reach each other, so both answer ARP for the VIP and clients\' flows split between them',
      fix: 'let VRRP through between the directors (IP protocol 112, e.g. iptables -I INPUT -p vrrp -j ACCEPT), check that their unicast peers and virtual_router_id match' });
  } else if (holders.length === 0 && partial.length === 0 && reads.some((r) => r.live.pid !== undefined)) {
    out.push({ severity: 'error', host: all, code: 'vip-unheld', title: `no director holds ${vips}`,
      why: 'no VRRP instance is master: clients get no answer', fix: 'see the directors\' keepalived logs (FAULT state: an interface down or a tracked script failing)' });
  }
  for (const h of partial) {
    out.push({ severity: 'warning', host: h, code: 'vip-partial', title: `${h} holds only some of ${vips}`,
      why: 'the VIPs of one VRRP instance move together; part of them elsewhere means another writer or another instance', fix: 'remove the VIPs keepalived does not own from the interface; lvsctl apply' });
  }
  return out;
}
